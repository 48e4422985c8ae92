// Which colour means "up": red in mainland China and Hong Kong, green in the US.
// "Auto" follows the markets on the board (most rows US → green up, otherwise red up).

const RED_UP_MARKETS = new Set(["SH", "SZ", "HK"]);

/** The convention for the markets of the rows shown. */
export function conventionFor(markets) {
  let green = 0;
  let red = 0;
  for (const m of markets) {
    if (m === "US") green += 1;
    else if (RED_UP_MARKETS.has(m)) red += 1;
  }
  return green > red ? "green-up" : "red-up";
}

export class Colours {
  /** @param {HTMLFieldSetElement} fieldset radios named `colours`: auto, red-up, green-up */
  constructor(fieldset, autoNote, mode, onChange) {
    this.radios = [...fieldset.querySelectorAll("input[name=colours]")];
    this.autoNote = autoNote;
    this.mode = ["auto", "red-up", "green-up"].includes(mode) ? mode : "auto";
    this.markets = [];
    for (const radio of this.radios) {
      radio.checked = radio.value === this.mode;
      radio.addEventListener("change", () => {
        if (!radio.checked) return;
        this.mode = radio.value;
        this.apply();
        onChange(this.mode);
      });
    }
    this.apply();
  }

  setMarkets(markets) {
    this.markets = markets;
    this.apply();
  }

  get effective() {
    return this.mode === "auto" ? conventionFor(this.markets) : this.mode;
  }

  apply() {
    const auto = conventionFor(this.markets);
    this.autoNote.textContent = `(now ${auto === "red-up" ? "red" : "green"} up)`;
    const root = document.documentElement;
    root.dataset.colours = this.effective;
    root.dataset.coloursMode = this.mode;
  }
}

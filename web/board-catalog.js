// The catalog from GET /api/catalog: markets, strategies (with their stocks) and stocks.

function list(value) {
  return Array.isArray(value) ? value.filter((v) => v && typeof v === "object") : [];
}

/** The catalog with lookups: marketByCode, strategyByName, stockByCode. */
export function indexCatalog(raw) {
  const markets = list(raw?.markets).filter((m) => typeof m.code === "string");
  const strategies = list(raw?.strategies)
    .filter((s) => typeof s.name === "string")
    .map((s) => ({ ...s, stocks: Array.isArray(s.stocks) ? s.stocks.filter((c) => typeof c === "string") : [] }));
  const stocks = list(raw?.stocks).filter((s) => typeof s.code === "string");
  return {
    markets,
    strategies,
    stocks,
    marketByCode: new Map(markets.map((m) => [m.code, m])),
    strategyByName: new Map(strategies.map((s) => [s.name, s])),
    stockByCode: new Map(stocks.map((s) => [s.code, s])),
  };
}

export async function fetchCatalog(signal) {
  const response = await fetch("/api/catalog", { headers: { Accept: "application/json" }, signal });
  if (!response.ok) throw new Error(`the catalog answered HTTP ${response.status}`);
  return indexCatalog(await response.json());
}

/** Fetches the catalog, retrying with a growing pause (1 s … 30 s) until it comes. */
export async function loadCatalog(onRetry) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetchCatalog();
    } catch (error) {
      const delay = Math.min(30000, 1000 * 2 ** attempt);
      onRetry(error, delay);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

-- Market catalog: markets, stocks, strategies and which stocks each strategy holds.
-- Every change announces itself on the `catalog_changed` channel so running
-- servers reload their catalog without a restart.

CREATE TABLE markets (
    code                 text PRIMARY KEY CHECK (code ~ '^[A-Z]{2,8}$'),
    name                 text NOT NULL,
    timezone             text NOT NULL,
    currency             text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    -- Local trading sessions, e.g. [{"open":"09:30","close":"11:30"}, ...]
    trading_sessions     jsonb NOT NULL DEFAULT '[]'::jsonb,
    -- Daily price limit in percent of the previous close; NULL where the market has none.
    price_limit_percent  numeric(5, 2) CHECK (price_limit_percent IS NULL OR price_limit_percent > 0)
);

CREATE TABLE stocks (
    code                 text PRIMARY KEY CHECK (code ~ '^[A-Z0-9.]{1,12}$'),
    name                 text NOT NULL,
    market               text NOT NULL REFERENCES markets (code),
    -- Decimal places of a price (2 for most shares, 3 for A-share ETFs).
    tick_precision       smallint NOT NULL DEFAULT 2 CHECK (tick_precision BETWEEN 0 AND 6),
    lot_size             integer NOT NULL DEFAULT 100 CHECK (lot_size > 0),
    -- Overrides the market's daily limit (STAR and ChiNext shares have 20 %).
    price_limit_percent  numeric(5, 2) CHECK (price_limit_percent IS NULL OR price_limit_percent > 0),
    -- Where the simulated source starts its random walk.
    reference_price      numeric(18, 6) NOT NULL CHECK (reference_price > 0),
    active               boolean NOT NULL DEFAULT true,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stocks_market_active_idx ON stocks (market) WHERE active;

CREATE TABLE strategies (
    name                 text PRIMARY KEY CHECK (name ~ '^[a-z0-9_]{1,64}$'),
    description          text NOT NULL DEFAULT '',
    created_at           timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE strategy_stocks (
    strategy             text NOT NULL REFERENCES strategies (name) ON DELETE CASCADE,
    stock                text NOT NULL REFERENCES stocks (code) ON DELETE CASCADE,
    added_at             timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (strategy, stock)
);
CREATE INDEX strategy_stocks_stock_idx ON strategy_stocks (stock);

-- What admins did through the API (disconnects, broadcasts, manual pushes).
CREATE TABLE admin_audit (
    id                   bigserial PRIMARY KEY,
    at                   timestamptz NOT NULL DEFAULT now(),
    action               text NOT NULL,
    actor                text NOT NULL DEFAULT 'admin',
    detail               jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX admin_audit_at_idx ON admin_audit (at);

CREATE FUNCTION stocks_touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END $$;

CREATE TRIGGER stocks_updated_at BEFORE UPDATE ON stocks
    FOR EACH ROW EXECUTE FUNCTION stocks_touch_updated_at();

-- One notification per statement (not per row): a bulk change reloads once.
CREATE FUNCTION notify_catalog_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('catalog_changed', TG_TABLE_NAME);
    RETURN NULL;
END $$;

CREATE TRIGGER markets_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON markets
    FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog_changed();
CREATE TRIGGER stocks_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON stocks
    FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog_changed();
CREATE TRIGGER strategies_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON strategies
    FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog_changed();
CREATE TRIGGER strategy_stocks_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON strategy_stocks
    FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog_changed();

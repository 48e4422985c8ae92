-- Trading calendars: how long before its first session a market is pre-open, the days
-- it does not trade besides weekends, and a guard that every market's time zone is one
-- the tz database knows (the server reads the same names from /usr/share/zoneinfo).

ALTER TABLE markets
    ADD COLUMN pre_open_minutes integer NOT NULL DEFAULT 15 CHECK (pre_open_minutes BETWEEN 0 AND 720);

UPDATE markets SET pre_open_minutes = 15 WHERE code IN ('SH', 'SZ');  -- opening call auction 09:15
UPDATE markets SET pre_open_minutes = 30 WHERE code = 'HK';           -- pre-opening session 09:00
UPDATE markets SET pre_open_minutes = 30 WHERE code = 'US';

CREATE FUNCTION markets_check_timezone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = NEW.timezone) THEN
        RAISE EXCEPTION 'market %: time zone "%" is not in the tz database', NEW.code, NEW.timezone
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER markets_timezone_known BEFORE INSERT OR UPDATE OF timezone ON markets
    FOR EACH ROW EXECUTE FUNCTION markets_check_timezone();

-- Refuses the markets already there if one has an unknown zone.
DO $$
DECLARE bad record;
BEGIN
    SELECT code, timezone INTO bad FROM markets
        WHERE timezone NOT IN (SELECT name FROM pg_timezone_names) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'market %: time zone "%" is not in the tz database', bad.code, bad.timezone;
    END IF;
END $$;

CREATE TABLE market_holidays (
    market  text NOT NULL REFERENCES markets (code) ON DELETE CASCADE,
    day     date NOT NULL,
    name    text NOT NULL DEFAULT '',
    PRIMARY KEY (market, day)
);

CREATE TRIGGER market_holidays_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON market_holidays
    FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog_changed();

-- Exchange holidays on weekdays (weekends are closed anyway), as published for 2026
-- and, where already announced, 2027.
INSERT INTO market_holidays (market, day, name)
SELECT m.market, h.day::date, h.name
FROM (VALUES ('SH'), ('SZ')) AS m (market),
     (VALUES ('2026-01-01', 'New Year''s Day'), ('2026-01-02', 'New Year holiday'),
             ('2026-02-16', 'Spring Festival'), ('2026-02-17', 'Spring Festival'),
             ('2026-02-18', 'Spring Festival'), ('2026-02-19', 'Spring Festival'),
             ('2026-02-20', 'Spring Festival'), ('2026-02-23', 'Spring Festival'),
             ('2026-04-06', 'Qingming Festival'),
             ('2026-05-01', 'Labour Day'), ('2026-05-04', 'Labour Day'), ('2026-05-05', 'Labour Day'),
             ('2026-06-19', 'Dragon Boat Festival'), ('2026-09-25', 'Mid-Autumn Festival'),
             ('2026-10-01', 'National Day'), ('2026-10-02', 'National Day'), ('2026-10-05', 'National Day'),
             ('2026-10-06', 'National Day'), ('2026-10-07', 'National Day'),
             ('2027-01-01', 'New Year''s Day')) AS h (day, name);

INSERT INTO market_holidays (market, day, name) VALUES
    ('HK', '2026-01-01', 'New Year''s Day'),
    ('HK', '2026-02-17', 'Lunar New Year'), ('HK', '2026-02-18', 'Lunar New Year'),
    ('HK', '2026-02-19', 'Lunar New Year'),
    ('HK', '2026-04-03', 'Good Friday'), ('HK', '2026-04-06', 'Easter Monday'),
    ('HK', '2026-04-07', 'Day following Ching Ming Festival'),
    ('HK', '2026-05-01', 'Labour Day'), ('HK', '2026-05-25', 'Day following the Birthday of the Buddha'),
    ('HK', '2026-06-19', 'Tuen Ng Festival'), ('HK', '2026-07-01', 'HKSAR Establishment Day'),
    ('HK', '2026-10-01', 'National Day'), ('HK', '2026-10-19', 'Day following Chung Yeung Festival'),
    ('HK', '2026-12-25', 'Christmas Day'),
    ('HK', '2027-01-01', 'New Year''s Day'),
    ('US', '2026-01-01', 'New Year''s Day'), ('US', '2026-01-19', 'Martin Luther King Jr. Day'),
    ('US', '2026-02-16', 'Washington''s Birthday'), ('US', '2026-04-03', 'Good Friday'),
    ('US', '2026-05-25', 'Memorial Day'), ('US', '2026-06-19', 'Juneteenth'),
    ('US', '2026-07-03', 'Independence Day (observed)'), ('US', '2026-09-07', 'Labor Day'),
    ('US', '2026-11-26', 'Thanksgiving Day'), ('US', '2026-12-25', 'Christmas Day'),
    ('US', '2027-01-01', 'New Year''s Day'), ('US', '2027-01-18', 'Martin Luther King Jr. Day'),
    ('US', '2027-02-15', 'Washington''s Birthday'), ('US', '2027-03-26', 'Good Friday'),
    ('US', '2027-05-31', 'Memorial Day'), ('US', '2027-06-18', 'Juneteenth (observed)'),
    ('US', '2027-07-05', 'Independence Day (observed)'), ('US', '2027-09-06', 'Labor Day'),
    ('US', '2027-11-25', 'Thanksgiving Day'), ('US', '2027-12-24', 'Christmas Day (observed)');

-- User groups: named sets of users (a user is the JWT `sub`), managed through the
-- admin API, so notifications and broadcasts can target a group instead of a list.

CREATE TABLE user_groups (
    -- Lower-case identifier: it appears in URLs and in message targets unquoted.
    name                 text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
    description          text NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
    created_at           timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE user_group_members (
    group_name           text NOT NULL REFERENCES user_groups (name) ON DELETE CASCADE,
    -- The JWT `sub` as the token carries it: any non-empty string without control characters.
    user_id              text NOT NULL CHECK (length(user_id) BETWEEN 1 AND 256 AND user_id !~ '[[:cntrl:]]'),
    added_at             timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_name, user_id)
);
-- "Which groups is this user in" (a notification's fan-out, the admin API).
CREATE INDEX user_group_members_user_idx ON user_group_members (user_id);

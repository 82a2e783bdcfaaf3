-- pb's SQLite schema. The first block keeps the tables and columns of the
-- earlier Python ProBoards scraper's forum.db by name and meaning, so its
-- queries and importers work on our files. Timestamps are milliseconds since
-- the epoch. Ids are ProBoards' own; negative user ids are guests (one stable
-- id per name), -1 deleted users and -3 ProBoards staff. image.id is derived
-- from the image URL so that the same forum always gives the same ids,
-- whatever order the records arrive in.

CREATE TABLE IF NOT EXISTS category (
  id   INTEGER PRIMARY KEY,
  name TEXT
);

CREATE TABLE IF NOT EXISTS board (
  id                 INTEGER PRIMARY KEY,
  category_id        INTEGER,
  description        TEXT,
  name               TEXT,
  parent_id          INTEGER,
  password_protected INTEGER,
  url                TEXT
);

CREATE TABLE IF NOT EXISTS moderator (
  board_id INTEGER NOT NULL,
  user_id  INTEGER NOT NULL,
  PRIMARY KEY (board_id, user_id)
);

CREATE TABLE IF NOT EXISTS thread (
  id           INTEGER PRIMARY KEY,
  announcement INTEGER,
  board_id     INTEGER,
  locked       INTEGER,
  sticky       INTEGER,
  title        TEXT,
  url          TEXT,
  user_id      INTEGER,
  views        INTEGER
);

CREATE TABLE IF NOT EXISTS post (
  id           INTEGER PRIMARY KEY,
  date         INTEGER,
  edit_user_id INTEGER,
  last_edited  INTEGER,
  message      TEXT,
  thread_id    INTEGER,
  url          TEXT,
  user_id      INTEGER
);
CREATE INDEX IF NOT EXISTS post_thread ON post (thread_id);
CREATE INDEX IF NOT EXISTS post_user ON post (user_id);

CREATE TABLE IF NOT EXISTS poll (
  id   INTEGER PRIMARY KEY,
  name TEXT
);

CREATE TABLE IF NOT EXISTS poll_option (
  id      INTEGER PRIMARY KEY,
  poll_id INTEGER,
  name    TEXT,
  votes   INTEGER
);

CREATE TABLE IF NOT EXISTS poll_voter (
  poll_id INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  PRIMARY KEY (poll_id, user_id)
);

CREATE TABLE IF NOT EXISTS user (
  id                 INTEGER PRIMARY KEY,
  age                INTEGER,
  birthdate          TEXT,
  date_registered    INTEGER,
  email              TEXT,
  instant_messengers TEXT,
  gender             TEXT,
  "group"            TEXT,
  last_online        INTEGER,
  latest_status      TEXT,
  location           TEXT,
  name               TEXT,
  post_count         INTEGER,
  signature          TEXT,
  url                TEXT,
  username           TEXT,
  website            TEXT,
  website_url        TEXT
);

CREATE TABLE IF NOT EXISTS shoutbox_post (
  id      INTEGER PRIMARY KEY,
  date    INTEGER,
  message TEXT,
  user_id INTEGER
);

CREATE TABLE IF NOT EXISTS image (
  id          INTEGER PRIMARY KEY,
  description TEXT,
  filename    TEXT,
  md5_hash    TEXT,
  size        INTEGER,
  url         TEXT UNIQUE
);

CREATE TABLE IF NOT EXISTS avatar (
  image_id INTEGER NOT NULL,
  user_id  INTEGER NOT NULL,
  PRIMARY KEY (user_id)
);

-- The project's own tables.

-- A user's custom profile fields (tr.custom-field-NAME rows of the profile).
-- A user_field record holds the whole set of one user and replaces it.
CREATE TABLE IF NOT EXISTS user_field (
  user_id INTEGER NOT NULL,
  name    TEXT NOT NULL,
  value   TEXT,
  PRIMARY KEY (user_id, name)
);

-- A user liked a post.
CREATE TABLE IF NOT EXISTS post_like (
  post_id INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  PRIMARY KEY (post_id, user_id)
);

-- Download result of an image: "ok" or why there is no file.
CREATE TABLE IF NOT EXISTS image_status (
  image_id    INTEGER PRIMARY KEY,
  status      TEXT,
  http_status INTEGER,
  post_id     INTEGER
);

-- The crawl frontier: one row per canonical URL and render flag. A page is
-- marked done in the same transaction as the entities parsed from it.
CREATE TABLE IF NOT EXISTS crawl (
  url         TEXT    NOT NULL,
  render      INTEGER NOT NULL DEFAULT 0,
  kind        TEXT,
  state       TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
  attempts    INTEGER NOT NULL DEFAULT 0,
  last_error  TEXT,
  http_status INTEGER,
  fetched_at  INTEGER,          -- ms: fetch time of the last outcome applied; older or equal ones are replays
  parent      TEXT,
  seq         INTEGER NOT NULL, -- discovery order
  added_at    INTEGER NOT NULL, -- ms
  done_at     INTEGER,          -- ms
  PRIMARY KEY (url, render)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS crawl_state ON crawl (state, seq);

-- Earlier versions of posts that a refresh found changed.
CREATE TABLE IF NOT EXISTS post_revision (
  post_id      INTEGER NOT NULL,
  seen_at      INTEGER NOT NULL, -- ms: when this version was replaced
  message      TEXT,
  edit_user_id INTEGER,
  last_edited  INTEGER,
  PRIMARY KEY (post_id, seen_at)
);

-- A post whose message changes keeps its earlier version. seen_at is made
-- unique per post so two changes in the same millisecond are both kept.
CREATE TRIGGER IF NOT EXISTS post_keep_revision AFTER UPDATE OF message ON post
WHEN old.message IS NOT NULL AND new.message IS NOT old.message
BEGIN
  INSERT INTO post_revision (post_id, seen_at, message, edit_user_id, last_edited)
  VALUES (old.id,
          max(CAST(unixepoch('subsec') * 1000 AS INTEGER),
              COALESCE((SELECT max(seen_at) + 1 FROM post_revision WHERE post_id = old.id), 0)),
          old.message, old.edit_user_id, old.last_edited);
END;

-- Posts that vanished from the forum: kept, but marked.
CREATE TABLE IF NOT EXISTS post_deleted (
  post_id    INTEGER PRIMARY KEY,
  deleted_at INTEGER NOT NULL -- ms: when a refresh found it gone
);

-- foobar.com schema, from empty. utf8mb4 throughout so any text a person types is stored as typed.

CREATE TABLE users (
    id            BIGINT       NOT NULL AUTO_INCREMENT,
    username      VARCHAR(30)  NOT NULL,
    password_hash VARCHAR(100) NOT NULL,
    created_at    DATETIME(3)  NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY users_username (username)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- body is MEDIUMTEXT: 20,000 characters of 4-byte UTF-8 do not fit TEXT's 65,535 bytes.
CREATE TABLE posts (
    id         BIGINT       NOT NULL AUTO_INCREMENT,
    user_id    BIGINT       NOT NULL,
    title      VARCHAR(200) NOT NULL,
    body       MEDIUMTEXT   NOT NULL,
    created_at DATETIME(3)  NOT NULL,
    updated_at DATETIME(3)  NOT NULL,
    PRIMARY KEY (id),
    KEY posts_created_at (created_at, id),
    KEY posts_user_created_at (user_id, created_at, id),
    CONSTRAINT posts_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- id is the SHA-256 (hex) of the cookie's token: a copy of this table opens no session.
-- user_id is NULL for a visitor who has only fetched a form (the CSRF token must exist before log-in).
CREATE TABLE sessions (
    id         CHAR(64)    NOT NULL,
    user_id    BIGINT      NULL,
    csrf_token CHAR(43)    NOT NULL,
    created_at DATETIME(3) NOT NULL,
    last_seen  DATETIME(3) NOT NULL,
    expires_at DATETIME(3) NOT NULL,
    PRIMARY KEY (id),
    KEY sessions_expires_at (expires_at),
    KEY sessions_user (user_id),
    CONSTRAINT sessions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = ascii COLLATE = ascii_bin;

-- One row per failed log-in, counted per username and per client address over a sliding window.
CREATE TABLE login_attempts (
    id           BIGINT      NOT NULL AUTO_INCREMENT,
    username     VARCHAR(100) NOT NULL,
    address      VARCHAR(45) NOT NULL,
    attempted_at DATETIME(3) NOT NULL,
    PRIMARY KEY (id),
    KEY login_attempts_username (username, attempted_at),
    KEY login_attempts_address (address, attempted_at),
    KEY login_attempts_attempted_at (attempted_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

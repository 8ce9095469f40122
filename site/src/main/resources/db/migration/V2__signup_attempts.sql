-- One row per sign-up that passed validation, counted per client address over a sliding hour (SignUpThrottle).
CREATE TABLE signup_attempts (
    id           BIGINT      NOT NULL AUTO_INCREMENT,
    address      VARCHAR(45) NOT NULL,
    attempted_at DATETIME(3) NOT NULL,
    PRIMARY KEY (id),
    KEY signup_attempts_address (address, attempted_at),
    KEY signup_attempts_attempted_at (attempted_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

package dev.webstack.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The environment contract: defaults, the password file, and every problem named at once. */
class SiteConfigTest {

    private static final Map<String, String> MINIMAL = Map.of(
            "DB_URL", "jdbc:mariadb://127.0.0.1:3306/foobar", "DB_USER", "site", "DB_PASSWORD", " secret ");

    @Test
    void defaults() {
        SiteConfig config = SiteConfig.fromEnvironment(MINIMAL);
        assertThat(config.bind()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(8000);
        assertThat(config.dbPassword()).as("taken as given").isEqualTo(" secret ");
        assertThat(config.toString()).doesNotContain("secret");
    }

    @Test
    void passwordFileWinsAndLosesOnlyItsFinalLineBreak(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("password");
        Files.writeString(file, "from file \n");
        SiteConfig config = SiteConfig.fromEnvironment(Map.of("DB_URL", "jdbc:mariadb://h/db", "DB_USER", "u",
                "DB_PASSWORD", "from env", "DB_PASSWORD_FILE", file.toString(), "PORT", "9000", "BIND", "0.0.0.0"));
        assertThat(config.dbPassword()).isEqualTo("from file ");
        assertThat(config.port()).isEqualTo(9000);
        assertThat(config.bind()).isEqualTo("0.0.0.0");
    }

    @Test
    void everyProblemIsNamed(@TempDir Path dir) {
        assertThatThrownBy(() -> SiteConfig.fromEnvironment(Map.of()))
                .isInstanceOf(SiteConfigException.class)
                .satisfies(e -> assertThat(((SiteConfigException) e).problems()).hasSize(3))
                .hasMessageContaining("DB_URL is not set")
                .hasMessageContaining("DB_USER is not set")
                .hasMessageContaining("neither DB_PASSWORD_FILE nor DB_PASSWORD is set");

        assertThatThrownBy(() -> SiteConfig.fromEnvironment(Map.of("DB_URL", "postgres://x", "DB_USER", "u",
                "DB_PASSWORD_FILE", dir.resolve("missing").toString(), "PORT", "70000")))
                .hasMessageContaining("PORT: 70000 (expected: a number from 0 to 65535)")
                .hasMessageContaining("DB_URL: postgres://x (expected: a JDBC URL starting with jdbc:mariadb:")
                .hasMessageContaining("DB_PASSWORD_FILE: " + dir.resolve("missing") + ": cannot read");
    }
}

package dev.webstack.stack.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files: every {@code config/<case>.yaml} is loaded and the result compared with {@code <case>.expected},
 * which holds either the exact error text (one line per problem) or, for a good file, the effective config.
 * Absolute paths under the case folder are written {@code $CONFIG} so the files hold on any machine.
 *
 * <p>After a deliberate change, rewrite the expected files with
 * {@code mvn -pl stack -am test -Dtest=ConfigGoldenTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dwebstack.golden.update=true} and review the diff.
 */
class ConfigGoldenTest {
    static final String PLACEHOLDER = "$CONFIG";

    static Path configDir() {
        try {
            return Path.of(Objects.requireNonNull(ConfigGoldenTest.class.getResource("/config")).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<String> cases() throws IOException {
        try (Stream<Path> files = Files.list(configDir())) {
            return files.map(p -> p.getFileName().toString())
                    .filter(name -> name.endsWith(".yaml"))
                    .map(name -> name.substring(0, name.length() - ".yaml".length()))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    /** The bundled files, as if webstack's checkout were the case folder's parent. */
    static Bundled bundled() {
        return new Bundled(configDir().resolve("site"), configDir().resolve("bundled/foobar-site.jar"),
                configDir().resolve("bundled/public"));
    }

    /** What loading a case gives, as the user would see it, with machine-specific paths replaced. */
    static String outcome(Path file) {
        String text;
        try {
            text = ConfigLoader.toYaml(ConfigLoader.load(Optional.of(file), bundled()));
        } catch (ConfigException e) {
            text = e.getMessage() + "\n";
        }
        return text.replace(file.toString(), file.getFileName().toString())
                .replace(configDir().toString(), PLACEHOLDER)
                .replace(configDir().getParent().toString(), PLACEHOLDER + "/..");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesGoldenFile(String name) throws IOException {
        Path yaml = configDir().resolve(name + ".yaml");
        String actual = outcome(yaml);
        if (Boolean.getBoolean("webstack.golden.update")) {
            Files.writeString(Path.of("src/test/resources/config", name + ".expected"), actual);
        }
        Path expected = configDir().resolve(name + ".expected");
        assertThat(expected).as("golden file for %s", name).exists();
        assertThat(actual).isEqualTo(Files.readString(expected, StandardCharsets.UTF_8));
    }
}

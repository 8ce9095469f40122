package dev.webstack.stack.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webstack.edge.config.EdgeConfig;
import dev.webstack.edge.config.SiteConfig;
import dev.webstack.edge.config.UpstreamConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The loader's behaviour beyond the golden files: no file, a missing file, the round trip, and its units. */
class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void withoutFileEveryValueIsDefault() {
        Bundled bundled = Bundled.at(dir);

        StackConfig config = ConfigLoader.load(Optional.empty(), bundled);

        assertThat(config.source()).isEmpty();
        assertThat(config.dataDir()).isEqualTo(Path.of("webstack-data").toAbsolutePath().normalize());
        assertThat(config.app()).isEqualTo(AppTierConfig.defaults(bundled));
        assertThat(config.app().app().command()).containsExactly("java", "-Xmx512m", "-jar",
                dir.resolve("site/target/foobar-site.jar").toString());
        assertThat(config.edge().sites().get(0)).isEqualTo(SiteConfig.filesThenProxy(List.of("www.foobar.com"),
                dir.resolve("site/target/public"), "app"));
        assertThat(config.edge().upstreams()).containsExactly(UpstreamConfig.of("app", List.of()));
    }

    @Test
    void emptyFileIsAllDefaultsWithDataDirBesideIt() throws IOException {
        Path file = Files.writeString(dir.resolve("webstack.yaml"), "# nothing here yet\n");

        StackConfig config = ConfigLoader.load(Optional.of(file), Bundled.at(dir));

        assertThat(config.source()).contains(file);
        assertThat(config.dataDir()).isEqualTo(dir.resolve("webstack-data"));
        assertThat(config).isEqualTo(new StackConfig(Optional.of(file), dir.resolve("webstack-data"),
                config.db(), config.app(), ConfigLoader.load(Optional.empty(), Bundled.at(dir)).edge(), config.dns()));
    }

    @Test
    void withoutTheAppTierWwwServesThePlaceholderSite() throws IOException {
        Path file = Files.writeString(dir.resolve("webstack.yaml"), "app: { enabled: false }\n");

        StackConfig config = ConfigLoader.load(Optional.of(file), Bundled.at(dir));

        assertThat(config.edge()).isEqualTo(EdgeConfig.defaults(dir.resolve("stack/default-site")));
    }

    @Test
    void missingFileIsOneErrorNamingTheFileAsGiven() {
        Path given = Path.of("no-such-dir", "webstack.yaml");

        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(given), Bundled.at(dir)))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors())
                        .containsExactly(new ConfigError(given.toString(), 0, 0, "", "file not found")))
                .hasMessage(given + ": file not found");
    }

    @Test
    void locateNamesTheGivenFileEvenWhenItDoesNotExist() {
        Path given = dir.resolve("absent.yaml");

        assertThat(ConfigLoader.locate(Optional.of(given))).contains(given);
    }

    @Test
    void bundledFilesAreUnderWebstackHome() {
        String before = System.getProperty("webstack.home");
        System.setProperty("webstack.home", dir.resolve("x/..").toString());
        try {
            assertThat(Bundled.fromLauncher()).isEqualTo(Bundled.at(dir));
        } finally {
            if (before == null) {
                System.clearProperty("webstack.home");
            } else {
                System.setProperty("webstack.home", before);
            }
        }
    }

    @Test
    void everyProblemIsReportedWithItsPlace() throws IOException {
        Path file = Files.writeString(dir.resolve("webstack.yaml"), """
                edge:
                  http:
                    port: abc
                  limits:
                    idle-timeout: 10
                  sites:
                    - hosts: [www.foobar.com]
                      root: missing
                app: { enabled: false }
                """);

        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Bundled.at(dir)))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).containsExactly(
                        new ConfigError(file.toString(), 3, 11, "edge.http.port",
                                "expected a port 0..65535, got 'abc'"),
                        new ConfigError(file.toString(), 5, 19, "edge.limits.idle-timeout",
                                "expected " + Units.DURATION + ", got '10'"),
                        new ConfigError(file.toString(), 8, 13, "edge.sites[0].root",
                                "folder not found: " + dir.resolve("missing"))));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"full", "minimal", "empty"})
    void effectiveYamlLoadsBackToAnEqualConfig(String name) throws IOException {
        Path source = ConfigGoldenTest.configDir().resolve(name + ".yaml");
        Files.createDirectories(dir.resolve("site/target/public"));
        StackConfig original = ConfigLoader.load(Optional.of(source), Bundled.at(dir));
        Path copy = Files.writeString(dir.resolve("effective.yaml"), ConfigLoader.toYaml(original));

        StackConfig reloaded = ConfigLoader.load(Optional.of(copy), Bundled.at(dir));

        assertThat(reloaded.dataDir()).isEqualTo(original.dataDir());
        assertThat(reloaded.edge()).isEqualTo(original.edge());
        assertThat(reloaded.app()).isEqualTo(original.app());
        assertThat(ConfigLoader.toYaml(reloaded)).isEqualTo(ConfigLoader.toYaml(original));
    }

    @Test
    void stringsThatNeedQuotesRoundTrip() throws IOException {
        Files.createDirectories(dir.resolve("my site #1"));
        Path file = Files.writeString(dir.resolve("webstack.yaml"), """
                edge:
                  sites:
                    - hosts: [www.foobar.com]
                      root: "my site #1"
                      index: "null"
                      cache-control: 'no-cache, "quoted"'
                app: { enabled: false }
                """);
        StackConfig original = ConfigLoader.load(Optional.of(file), Bundled.at(dir));
        SiteConfig site = original.edge().sites().get(0);
        assertThat(site.index()).isEqualTo("null");
        assertThat(site.cacheControl()).contains("no-cache, \"quoted\"");

        Files.writeString(file, ConfigLoader.toYaml(original));

        assertThat(ConfigLoader.load(Optional.of(file), Bundled.at(dir))).isEqualTo(original);
    }

    /** The commented example at the repository root must stay valid (its site is the bundled one). */
    @Test
    void examplesWebstackYamlIsValid() {
        Path example = Path.of("..", "examples", "webstack.yaml");
        assertThat(Path.of("default-site")).isDirectory();

        StackConfig config = ConfigLoader.load(Optional.of(example), Bundled.at(dir));

        assertThat(config.edge().sites()).isNotEmpty();
    }

    @Test
    void examplesBrokenFileShowsSeveralKindsOfProblem() {
        Path broken = Path.of("..", "examples", "broken.yaml");

        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(broken), Bundled.at(dir)))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors())
                        .hasSizeGreaterThanOrEqualTo(5)
                        .allSatisfy(error -> assertThat(error.line()).isPositive()));
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "8192, 8192", "64k, 65536", "64K, 65536", "1m, 1048576", "2g, 2147483648"})
    void sizesAreBinary(String text, long bytes) {
        assertThat(Units.parseSize(text)).contains(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "1.5k", "1 MB", "12q", "k", "", "99999999999999999999", "9999999999999g"})
    void badSizesAreRefused(String text) {
        assertThat(Units.parseSize(text)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"500ms, 500", "10s, 10000", "2m, 120000", "1h, 3600000", "10S, 10000"})
    void durationsNeedAUnit(String text, long millis) {
        assertThat(Units.parseDuration(text)).contains(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0s", "10", "-1s", "1.5s", "5 days", "1d", "99999999999999999999h"})
    void badDurationsAreRefused(String text) {
        assertThat(Units.parseDuration(text)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"500ms, 500ms", "1000ms, 1s", "60s, 60s", "120s, 2m", "90s, 90s", "3600s, 60m", "7200s, 2h"})
    void durationsAreWrittenInAWholeUnit(String text, String written) {
        assertThat(Units.formatDuration(Units.parseDuration(text).orElseThrow())).isEqualTo(written);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "prot | port",
        "Port | port",
        "max-body | max-body-size",
        "max_body_size | max-body-size",
        "maxBodySize | max-body-size",
    })
    void unknownKeysGetAHint(String given, String hint) {
        List<String> known = List.of("enabled", "address", "port", "max-body-size");

        assertThat(YamlSection.didYouMean(given, known)).isEqualTo(" (did you mean '" + hint + "'?)");
    }

    @Test
    void farAwayKeysGetNoHint() {
        assertThat(YamlSection.didYouMean("colour", List.of("enabled", "address", "port"))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"WWW.Foobar.COM., www.foobar.com", "localhost, localhost", "192.0.2.1, 192.0.2.1", "a-b.c, a-b.c"})
    void hostNamesAreNormalized(String given, String normalized) {
        assertThat(HostNames.normalize(given)).contains(normalized);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bad_Host", "-a.com", "a-.com", "a..b", "999.1.1.1", "", ".", "*.foobar.com"})
    void badHostNamesAreRefused(String given) {
        assertThat(HostNames.normalize(given)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "0.0.0.0", "::", "::1", "[::1]", "localhost"})
    void bindableAddresses(String address) {
        assertThat(HostNames.isBindable(address)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"999.1.1.1", "1.2.3", "1.2.3.4.5", "fe80::zz", "[::1", "bad_name"})
    void unbindableAddressesAreJudgedWithoutDns(String address) {
        long start = System.nanoTime();

        assertThat(HostNames.isBindable(address)).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
    }
}

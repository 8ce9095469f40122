package dev.webstack.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The scenario selection of {@code bench/run}: its {@code --plan} prints what a run with the same options would measure,
 * with which servers, how long, and stops before anything is installed, built or started.
 */
class PlanTest {
    private static final Path SCRIPT = Path.of("run").toAbsolutePath();

    private static final List<String> EVERY_SCENARIO = List.of("static 1 KiB", "static 100 KiB", "dns mix, UDP",
            "proxy 1 KiB", "proxy failover", "home page (20 posts), end to end", "zero-downtime restart");

    record Row(String suite, String scenario, String servers, int warmup, int rounds, int roundSeconds, int estimate) {
    }

    record Plan(List<Row> rows, int total) {
        List<String> scenarios() {
            return rows.stream().map(Row::scenario).toList();
        }

        Row row(String scenario) {
            return rows.stream().filter(r -> r.scenario().equals(scenario)).findFirst().orElseThrow();
        }
    }

    record Result(int exit, String out, String err) {
    }

    @Test
    void quickCoversEveryScenarioWithWebstackAndItsPeerInUnderTenMinutes() throws Exception {
        Plan quick = plan("--quick");
        assertThat(quick.scenarios()).containsExactlyElementsOf(EVERY_SCENARIO);
        assertThat(quick.row("static 1 KiB").servers()).isEqualTo("webstack nginx");
        assertThat(quick.row("dns mix, UDP").servers()).isEqualTo("webstack_dns nsd");
        assertThat(quick.row("proxy 1 KiB").servers()).isEqualTo("webstack_proxy nginx_proxy haproxy direct");
        assertThat(quick.row("proxy failover").servers()).isEqualTo("webstack_proxy nginx_proxy haproxy");
        assertThat(quick.row("home page (20 posts), end to end").servers()).isEqualTo("webstack_e2e nginx_e2e");
        for (Row r : quick.rows()) {
            assertThat(r.estimate()).as(r.scenario()).isPositive();
            if (!r.scenario().equals("proxy failover") && !r.scenario().equals("zero-downtime restart")) {
                assertThat(r.rounds()).as(r.scenario()).isGreaterThanOrEqualTo(3); // a median and a spread
            }
        }
        assertThat(quick.total()).isLessThan(10 * 60);
    }

    @Test
    void theFullRunIsTheDefaultHasLongerRoundsAndStaysUnderThirtyMinutes() throws Exception {
        Plan full = plan();
        Plan quick = plan("--quick");
        assertThat(full).isEqualTo(plan("--suite", "all"));
        assertThat(full.scenarios()).containsExactlyElementsOf(EVERY_SCENARIO);
        assertThat(full.row("static 1 KiB").rounds()).isEqualTo(5);
        assertThat(full.row("static 1 KiB").roundSeconds()).isEqualTo(10);
        for (Row r : full.rows()) {
            assertThat(r.estimate()).as(r.scenario()).isGreaterThan(quick.row(r.scenario()).estimate());
        }
        assertThat(full.total()).isLessThan(30 * 60);
    }

    @Test
    void suitesAndServersCanBeChosen() throws Exception {
        Plan dns = plan("--quick", "--suite", "dns");
        assertThat(dns.scenarios()).containsExactly("dns mix, UDP");

        // With --only, every suite that has that server (DNS has no nginx).
        Plan nginx = plan("--quick", "--only", "nginx");
        assertThat(nginx.scenarios()).containsExactly("static 1 KiB", "static 100 KiB", "proxy 1 KiB", "proxy failover",
                "home page (20 posts), end to end");
        // A suite named twice runs once.
        assertThat(plan("--suite", "dns,all,dns").scenarios()).containsExactly("dns mix, UDP", "static 1 KiB",
                "static 100 KiB", "proxy 1 KiB", "proxy failover", "home page (20 posts), end to end",
                "zero-downtime restart");

        Plan two = plan("--suite", "static,proxy", "--only", "nginx");
        assertThat(two.scenarios()).containsExactly("static 1 KiB", "static 100 KiB", "proxy 1 KiB", "proxy failover");
        assertThat(two.rows()).extracting(Row::servers).containsExactly("nginx", "nginx", "nginx_proxy", "nginx_proxy");

        // Without webstack's stack there is nothing to restart: the end-to-end suite measures nginx only.
        Plan e2e = plan("--suite", "e2e", "--only", "nginx");
        assertThat(e2e.scenarios()).containsExactly("home page (20 posts), end to end");

        // The site suite (no peer) runs only when named.
        assertThat(plan("--suite", "site").scenarios()).containsExactly("site home page (20 posts)", "site post page");

        Plan custom = plan("--suite", "static", "--rounds", "7", "--duration", "3", "--warmup", "0");
        assertThat(custom.row("static 100 KiB")).extracting(Row::rounds, Row::roundSeconds, Row::warmup)
                .containsExactly(7, 3, 0);
    }

    @Test
    void aWrongChoiceIsRefusedWithAClearErrorAndNothingRuns() throws Exception {
        Result unknown = run("--plan", "--suite", "dns,ftp");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown suite 'ftp'").contains("known: all, static, dns, proxy, site, e2e");
        assertThat(unknown.out()).isEmpty();

        Result noServer = run("--plan", "--suite", "dns", "--only", "haproxy");
        assertThat(noServer.exit()).isEqualTo(2);
        assertThat(noServer.err()).contains("suite dns has no server named haproxy");

        Result rounds = run("--plan", "--rounds", "many");
        assertThat(rounds.exit()).isEqualTo(2);
        assertThat(rounds.err()).contains("--rounds wants a whole number, got many");

        Result option = run("--plan", "--fast");
        assertThat(option.exit()).isEqualTo(2);
        assertThat(option.err()).contains("unknown option --fast");
    }

    private static Plan plan(String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of(options));
        args.add("--plan");
        Result r = run(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("suite\tscenario\tservers\twarmup_s\trounds\tround_s\testimate_s");
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size() - 1)) {
            String[] f = line.split("\t", -1);
            assertThat(f).as(line).hasSize(7);
            rows.add(new Row(f[0], f[1], f[2], Integer.parseInt(f[3]), Integer.parseInt(f[4]), Integer.parseInt(f[5]),
                    Integer.parseInt(f[6])));
        }
        String[] last = lines.get(lines.size() - 1).split("\t", -1);
        assertThat(last[0]).isEqualTo("total");
        return new Plan(rows, Integer.parseInt(last[last.length - 1]));
    }

    private static Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        Path err = Files.createTempFile("bench-plan", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            return new Result(p.exitValue(), out, Files.readString(err));
        } finally {
            Files.delete(err);
        }
    }
}

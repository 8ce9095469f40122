package dev.webstack.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The whole stack as the README starts it (the defaults: embedded MariaDB, two instances of the site, the edge, DNS;
 * only the ports are left to the system), used as its people and its operator use it: DNS answers for the name, curl
 * and Chromium get pages rendered from the database, and the app instances are restarted, redeployed and killed
 * under load without one request failing. One stack serves every test, in order; each leaves it healthy.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WholeStackIT {
    private static final Pattern INSTANCE = Pattern.compile(
            "\\{\"index\":(\\d+),\"pid\":(\\d+),\"port\":(\\d+),\"state\":\"(\\w+)\",\"uptimeSeconds\":\\d+,"
                    + "\"restarts\":(\\d+)");
    private static final Duration LOAD_BOUND = Duration.ofSeconds(120);

    @TempDir
    static Path dir;
    static WebstackProcess up;
    static Path config;
    static int http;
    static int dnsPort;

    @BeforeAll
    static void startTheStack() throws Exception {
        config = Files.writeString(dir.resolve("webstack.yaml"), """
                # The defaults, with ports left to the system and 127.0.0.1 answered as www.foobar.com.
                edge:
                  default-host: www.foobar.com
                  http: { port: 0 }
                  https: { port: 0 }
                dns:
                  port: 0
                """);
        up = WebstackProcess.start(dir, "up", "-c", config.toString());
        assertThat(up.awaitLine("app   ready")).contains("2 of 2 instances healthy");
        http = up.awaitReadyPorts()[0];
        dnsPort = up.awaitDnsPort();
        up.awaitLine("webstack is up");
    }

    @AfterAll
    static void stopTheStack() throws Exception {
        if (up != null) {
            try {
                assertThat(up.terminate()).as(up.output()).isZero();
                assertThat(up.output()).contains("app   stopped", "db    stopped");
            } finally {
                up.close();
            }
        }
    }

    @Test
    @Order(1)
    void dnsAnswersCurlGetsThePageFromTheDatabaseAndChromiumSignsUpAndWrites() throws Exception {
        String answer = StackIT.dig("@127.0.0.1", "-p", Integer.toString(dnsPort), "www.foobar.com");
        assertThat(answer).containsPattern("www\\.foobar\\.com\\.\\s+\\d+\\s+IN\\s+CNAME\\s+foobar\\.com\\.")
                .containsPattern("\\nfoobar\\.com\\.\\s+\\d+\\s+IN\\s+A\\s+127\\.0\\.0\\.1")
                .contains("flags: qr aa");

        String title = "Written through the API " + System.nanoTime();
        SiteLoad.Person writer = SiteLoad.Person.signUp(edge(), "curl_" + (System.nanoTime() % 1_000_000));
        assertThat(writer.api("/api/posts", "{\"title\":\"" + title + "\",\"body\":\"hello\"}").statusCode())
                .isEqualTo(201);
        String[] home = StackIT.curl("-si", "--resolve", "www.foobar.com:" + http + ":127.0.0.1",
                "http://www.foobar.com:" + http + "/");
        assertThat(home[1]).startsWith("HTTP/1.1 200").contains("Recent posts", title);
        String[] css = StackIT.curl("-si", "--resolve", "www.foobar.com:" + http + ":127.0.0.1",
                "http://www.foobar.com:" + http + "/static/site.css");
        assertThat(css[1]).as("the edge serves the static files itself, with an ETag").startsWith("HTTP/1.1 200")
                .containsIgnoringCase("etag:");
        String[] apex = StackIT.curl("-si", "--resolve", "foobar.com:" + http + ":127.0.0.1",
                "http://foobar.com:" + http + "/posts/1");
        assertThat(apex[1]).startsWith("HTTP/1.1 301").containsIgnoringCase("location: http://www.foobar.com:"
                + http + "/posts/1");

        inChromium(driver -> {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(10));
            String name = "chromium_" + (System.nanoTime() % 1_000_000);
            driver.get("http://www.foobar.com/signup");
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys(name);
            driver.findElement(By.id("password")).sendKeys("correct horse battery");
            driver.findElement(By.cssSelector("main form button[type=submit]")).click();
            wait.until(ExpectedConditions.urlToBe("http://www.foobar.com/"));
            assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("header a.me")))
                    .getText()).isEqualTo(name);
            driver.get("http://www.foobar.com/write");
            String post = "Seen in Chromium " + System.nanoTime();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("title"))).sendKeys(post);
            driver.findElement(By.id("body")).sendKeys("through the edge, the app pool and MariaDB");
            driver.findElement(By.cssSelector("form[action='/write'] button[type=submit]")).click();
            wait.until(ExpectedConditions.urlMatches("/posts/\\d+$"));
            assertThat(driver.findElement(By.cssSelector("article.post h1")).getText()).isEqualTo(post);
            driver.get("http://www.foobar.com/");
            assertThat(wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("ol.posts")))
                    .getText()).contains(post);
        });
    }

    @Test
    @Order(2)
    void statusShowsEveryTier() throws Exception {
        WebstackProcess status = WebstackProcess.run(dir, "status", "-c", config.toString());
        assertThat(status.waitFor()).as(status.output()).isZero();
        assertThat(status.output()).contains("db        running (pid", "app       2 of 2 instances healthy",
                "app-1  healthy", "app-2  healthy", "upstream app: 127.0.0.1:", "dns       udp+tcp");
        Map<Integer, Instance> instances = instances();
        assertThat(instances).hasSize(2);
        instances.values().forEach(i -> assertThat(i.state()).isEqualTo("healthy"));
    }

    @Test
    @Order(3)
    void restartAppUnderMixedLoadFailsNoRequest() throws Exception {
        Map<Integer, Instance> before = instances();
        try (SiteLoad load = new SiteLoad(edge(), 4, 4, LOAD_BOUND, 200_000)) {
            awaitProgress(load);
            WebstackProcess restart = WebstackProcess.run(dir, "restart", "app", "-c", config.toString());
            assertThat(restart.waitFor()).as(restart.output()).isZero();
            assertThat(restart.output()).contains("app-1: new instance", "app-2: old instance", "restart: done");
            long afterRestart = load.reads();
            awaitReadsBeyond(load, afterRestart);
            load.close();
            report("restart app", load);
            assertThat(load.failures()).as("requests that failed during the restart").isEmpty();
            assertThat(load.writes()).isPositive();
        }
        assertEveryInstanceReplaced(before, instances());
    }

    @Test
    @Order(4)
    void deployOfANewJarUnderMixedLoadFailsNoRequest() throws Exception {
        Path jar = Files.copy(WebstackProcess.REPO.resolve("site/target/foobar-site.jar"),
                dir.resolve("foobar-site-2.jar"), StandardCopyOption.REPLACE_EXISTING);
        Map<Integer, Instance> before = instances();
        try (SiteLoad load = new SiteLoad(edge(), 4, 4, LOAD_BOUND, 200_000)) {
            awaitProgress(load);
            WebstackProcess deploy = WebstackProcess.run(dir, "deploy", "--jar", jar.toString(), "-c",
                    config.toString());
            assertThat(deploy.waitFor()).as(deploy.output()).isZero();
            assertThat(deploy.output()).contains("deploy: done", jar.toString());
            awaitReadsBeyond(load, load.reads());
            load.close();
            report("deploy --jar", load);
            assertThat(load.failures()).as("requests that failed during the deploy").isEmpty();
        }
        assertEveryInstanceReplaced(before, instances());
        WebstackProcess status = WebstackProcess.run(dir, "status", "-c", config.toString());
        assertThat(status.output()).contains("-jar " + jar);
    }

    @Test
    @Order(5)
    void aDeployThatNeverBecomesHealthyIsRolledBackAndTheOldInstancesKeepServing() throws Exception {
        Path broken = Files.writeString(dir.resolve("broken-site.sh"), "#!/bin/sh\necho 'broken build' >&2\nexit 3\n");
        Files.setPosixFilePermissions(broken, PosixFilePermissions.fromString("rwx------"));
        Map<Integer, Instance> before = instances();
        try (SiteLoad load = new SiteLoad(edge(), 2, 0, LOAD_BOUND, 200_000)) {
            awaitProgress(load);
            WebstackProcess deploy = WebstackProcess.run(dir, "deploy", "--command", broken.toString(), "-c",
                    config.toString());
            assertThat(deploy.waitFor()).as(deploy.output()).isEqualTo(1);
            assertThat(deploy.output()).contains("deploy failed", "app-1");
            awaitReadsBeyond(load, load.reads());
            load.close();
            report("failed deploy, rolled back", load);
            assertThat(load.failures()).isEmpty();
        }
        assertThat(instances()).as("the same processes still serve").isEqualTo(before);
        WebstackProcess status = WebstackProcess.run(dir, "status", "-c", config.toString());
        assertThat(status.output()).contains("foobar-site-2.jar").doesNotContain("broken-site.sh");
    }

    @Test
    @Order(6)
    void anInstanceKilledUnderLoadFailsNoReadAndComesBack() throws Exception {
        Instance victim = instances().get(1);
        try (SiteLoad load = new SiteLoad(edge(), 4, 0, LOAD_BOUND, 200_000)) {
            awaitProgress(load);
            Process kill = new ProcessBuilder("kill", "-KILL", Long.toString(victim.pid())).inheritIO().start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            Instance back;
            do {
                Thread.sleep(200);
                back = instances().get(1);
            } while ((back.pid() == victim.pid() || !back.state().equals("healthy")) && System.nanoTime() < deadline);
            assertThat(back.state()).as("app-1 restarted and healthy: %s", back).isEqualTo("healthy");
            assertThat(back.pid()).isNotEqualTo(victim.pid());
            assertThat(back.restarts()).isEqualTo(victim.restarts() + 1);
            awaitReadsBeyond(load, load.reads());
            load.close();
            report("SIGKILL app-1", load);
            assertThat(load.failures()).as("reads that failed while app-1 was dead").isEmpty();
        }
        assertThat(up.output()).contains("app-1 exited with code 137; restarting");
        WebstackProcess status = WebstackProcess.run(dir, "status", "-c", config.toString());
        assertThat(status.output()).containsPattern("app-1  healthy .* restarts 1");
    }

    /** What the load did, in the test's output: the figures behind "no request failed". */
    private static void report(String what, SiteLoad load) {
        System.out.printf("%s under load: %d reads, %d writes, %d failed%n", what, load.reads(), load.writes(),
                load.failures().size());
    }

    private static URI edge() {
        return URI.create("http://127.0.0.1:" + http);
    }

    record Instance(int index, long pid, int port, String state, int restarts) {
    }

    /** The app instances as {@code webstack status --json} shows them, by index. */
    private static Map<Integer, Instance> instances() throws Exception {
        WebstackProcess status = WebstackProcess.run(dir, "status", "--json", "-c", config.toString());
        assertThat(status.waitFor()).as(status.output()).isZero();
        Map<Integer, Instance> all = new TreeMap<>();
        Matcher m = INSTANCE.matcher(status.output());
        while (m.find()) {
            all.put(Integer.parseInt(m.group(1)), new Instance(Integer.parseInt(m.group(1)),
                    Long.parseLong(m.group(2)), Integer.parseInt(m.group(3)), m.group(4), Integer.parseInt(m.group(5))));
        }
        return all;
    }

    private static void assertEveryInstanceReplaced(Map<Integer, Instance> before, Map<Integer, Instance> after) {
        assertThat(after.keySet()).isEqualTo(before.keySet());
        for (Instance old : before.values()) {
            Instance now = after.get(old.index());
            assertThat(now.pid()).as("app-%d replaced", old.index()).isNotEqualTo(old.pid());
            assertThat(now.state()).isEqualTo("healthy");
            assertThat(ProcessHandle.of(old.pid()).map(ProcessHandle::isAlive).orElse(false))
                    .as("old app-%d (pid %d) stopped", old.index(), old.pid()).isFalse();
        }
    }

    /** Waits (bounded) until the load has made some requests, so the change happens under it. */
    private static void awaitProgress(SiteLoad load) throws InterruptedException {
        awaitReadsBeyond(load, 20);
    }

    /** Waits (bounded) until the load has made 20 more reads than {@code reads}; fails if it stalled. */
    private static void awaitReadsBeyond(SiteLoad load, long reads) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (load.reads() <= reads + 20 && load.failures().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(load.reads()).as("the load went on (failures: %s)", load.failures()).isGreaterThan(reads + 20);
    }

    interface BrowserSteps {
        void run(WebDriver driver) throws Exception;
    }

    /** Debian's headless Chromium with www.foobar.com mapped to the edge, as DNS would lead it there. */
    private static void inChromium(BrowserSteps steps) throws Exception {
        Path profile = Files.createDirectories(dir.resolve("chromium-profile"));
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile,
                "--host-resolver-rules=MAP www.foobar.com:80 127.0.0.1:" + http);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        WebDriver driver = new ChromeDriver(service, options);
        try {
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(15));
            steps.run(driver);
        } finally {
            driver.quit();
        }
    }
}

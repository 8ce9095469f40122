package dev.webstack.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A person in a real browser (Debian's headless Chromium through chromedriver): signs up, logs out, logs in,
 * writes a post whose title and body hold markup, finds it on the home page and logs out again. The markup must
 * come back as the characters typed, never as elements, and the session cookie must be out of script's reach.
 */
class BrowserTest {

    @RegisterExtension
    static final RunningSite SITE = new RunningSite();

    private static final String PASSWORD = "correct horse battery";
    private static final String TITLE = "Tom & Jerry <script>alert(1)</script>";
    // "&amp;" typed by the person must stay "&amp;" on screen: escaped once, not zero times or twice
    private static final String BODY = "Fish & chips, <b>not bold</b>\n<script>alert(1)</script>\nand &amp; stays as typed";
    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    static Path profile;

    private static WebDriver driver;
    private static WebDriverWait wait;

    @BeforeAll
    static void startBrowser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        // without these Chromium reaches for the network (updates, sync) and fails on this machine
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(10));
        wait = new WebDriverWait(driver, WAIT);
    }

    @AfterAll
    static void quitBrowser() {
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    void signUpLogInWriteReadAndLogOut() {
        String username = Names.user("browser");

        // sign up: the site logs the new person in at once and sends them home
        open("/");
        header().findElement(By.linkText("Sign up")).click();
        wait.until(ExpectedConditions.urlToBe(url("/signup")));
        fillAndSubmit(username, PASSWORD);
        wait.until(ExpectedConditions.urlToBe(url("/")));
        assertLoggedInAs(username);
        assertSessionCookieIsHttpOnlyAndLax();

        // log out, then log in through the header's link
        logOut();
        header().findElement(By.linkText("Log in")).click();
        wait.until(ExpectedConditions.urlToBe(url("/login")));
        fillAndSubmit(username, PASSWORD);
        wait.until(ExpectedConditions.urlToBe(url("/")));
        assertLoggedInAs(username);
        assertSessionCookieIsHttpOnlyAndLax();

        // write a post full of markup: it must come back as text
        header().findElement(By.linkText("Write")).click();
        wait.until(ExpectedConditions.urlToBe(url("/write")));
        driver.findElement(By.id("title")).sendKeys(TITLE);
        driver.findElement(By.id("body")).sendKeys(BODY);
        driver.findElement(By.cssSelector("form[action='/write'] button[type=submit]")).click();
        wait.until(ExpectedConditions.urlMatches("/posts/\\d+$"));
        String postUrl = driver.getCurrentUrl();
        assertShownAsText();

        // the home page lists it, and its link leads back to the post
        header().findElement(By.linkText("Home")).click();
        wait.until(ExpectedConditions.urlToBe(url("/")));
        WebElement link = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("ol.posts li.post-card h2 a[href='" + postUrl.substring(url("").length()) + "']")));
        assertThat(link.getText()).isEqualTo(TITLE);
        assertThat(driver.findElements(By.tagName("script"))).isEmpty();
        assertNoAlert();
        link.click();
        wait.until(ExpectedConditions.urlToBe(postUrl));
        assertShownAsText();

        // log out: the header offers "Log in" again and writing needs a log-in
        logOut();
        assertThat(driver.manage().getCookieNamed("sid")).as("the session cookie is gone").isNull();
        open("/write");
        wait.until(ExpectedConditions.urlToBe(url("/login?next=%2Fwrite")));
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Log in");
        assertThat(header().findElements(By.cssSelector("a.me"))).isEmpty();
    }

    private static void open(String path) {
        driver.get(url(path));
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + SITE.port() + path;
    }

    private static WebElement header() {
        return wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("header.site-header nav")));
    }

    /** The sign-up and log-in forms have the same two fields and one submit button. */
    private static void fillAndSubmit(String username, String password) {
        WebElement name = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
        name.sendKeys(username);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.cssSelector("main form button[type=submit]")).click();
    }

    private static void assertLoggedInAs(String username) {
        WebElement me = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("header a.me")));
        assertThat(me.getText()).isEqualTo(username);
        assertThat(header().findElements(By.linkText("Log in"))).isEmpty();
    }

    private static void logOut() {
        header().findElement(By.xpath(".//button[normalize-space()='Log out']")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("header.site-header nav a[href='/login']")));
        assertThat(header().findElement(By.linkText("Log in")).isDisplayed()).isTrue();
        assertThat(header().findElements(By.cssSelector("a.me"))).isEmpty();
    }

    /** Through the driver's cookie API, which sees the attributes script cannot. */
    private static void assertSessionCookieIsHttpOnlyAndLax() {
        Cookie sid = driver.manage().getCookieNamed("sid");
        assertThat(sid).as("the session cookie").isNotNull();
        assertThat(sid.isHttpOnly()).as("sid HttpOnly").isTrue();
        assertThat(sid.getSameSite()).as("sid SameSite").isEqualTo("Lax");
        assertThat(sid.getPath()).isEqualTo("/");
    }

    /** The post page shows title and body exactly as typed, and the markup made no element and ran nothing. */
    private static void assertShownAsText() {
        WebElement heading = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("article.post h1")));
        assertThat(heading.getText()).isEqualTo(TITLE);
        assertThat(driver.findElement(By.cssSelector("article.post .body")).getText()).isEqualTo(BODY);
        assertThat(driver.findElement(By.tagName("body")).getText()).contains("<script>alert(1)</script>", " & ",
                "&amp;");
        assertThat(driver.getTitle()).startsWith(TITLE);
        assertThat(driver.findElements(By.tagName("script"))).as("script elements").isEmpty();
        assertThat(driver.findElements(By.cssSelector("article.post b"))).as("markup from the body").isEmpty();
        assertNoAlert();
    }

    private static void assertNoAlert() {
        assertThatThrownBy(() -> driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    }
}

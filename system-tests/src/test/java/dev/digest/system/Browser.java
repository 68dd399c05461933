package dev.digest.system;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven through its chromedriver: a person at 1280×800 using the
 * operations console of one {@link ServiceProcess api}. Naming both executables keeps Selenium
 * Manager from looking for (and trying to download) either.
 */
final class Browser implements AutoCloseable {

    static final File CHROMIUM = new File("/usr/bin/chromium");
    static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");

    private final ServiceProcess api;
    private final Path profile;
    private final Path screenshots;
    private final ChromeDriver driver;

    Browser(ServiceProcess api) throws IOException {
        this.api = api;
        this.profile = Files.createTempDirectory("console-chromium");
        this.screenshots = Path.of(System.getProperty("digest.screenshots", "target/screenshots")).toAbsolutePath();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,800", "--user-data-dir=" + profile);
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER)
                .usingAnyFreePort()
                .build();
        this.driver = new ChromeDriver(service, options);
        desktop();
    }

    static boolean installed() {
        return CHROMIUM.canExecute() && CHROMEDRIVER.canExecute();
    }

    WebDriver driver() {
        return driver;
    }

    /** Opens a console page, e.g. {@code /dashboard/runs}. */
    Browser open(String path) {
        driver.get(api.uri(path).toString());
        return this;
    }

    /** Signs out whoever was signed in, then signs in with {@code key} and waits for the overview. */
    Browser signIn(String key) {
        open("/dashboard/sign-in");
        script("sessionStorage.clear()");
        open("/dashboard/sign-in");
        WebElement input = until(d -> d.findElement(By.id("api-key")));
        input.sendKeys(key);
        driver.findElement(By.id("sign-in")).click();
        until(d -> d.getCurrentUrl().endsWith("/dashboard") && !d.findElements(By.cssSelector("#run-counts .tile")).isEmpty());
        return this;
    }

    /** Waits up to ten seconds for {@code condition} to give something other than null or false. */
    <T> T until(Function<WebDriver, T> condition) {
        return until(Duration.ofSeconds(10), condition);
    }

    <T> T until(Duration timeout, Function<WebDriver, T> condition) {
        // Pages redraw what the live stream changes: an element found a moment ago may be gone.
        return new WebDriverWait(driver, timeout, Duration.ofMillis(50))
                .ignoring(StaleElementReferenceException.class)
                .until(condition);
    }

    /** The text of the element {@code css} finds, read again if the page redrew it meanwhile. */
    String text(String css) {
        return until(d -> d.findElement(By.cssSelector(css)).getText());
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** Waits for an element to be shown and returns it. */
    WebElement shown(String css) {
        return until(d -> d.findElements(By.cssSelector(css)).stream().filter(WebElement::isDisplayed).findFirst().orElse(null));
    }

    /** The text of the page's live region, where every action says what it did. */
    String status() {
        return text("#status");
    }

    Object script(String code, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(code, args);
    }

    /**
     * Marks the current document; {@link #sameDocument()} is then true only while no navigation
     * or reload has replaced it.
     */
    void markDocument() {
        script("window.__consoleTestMark = 'unchanged'");
    }

    boolean sameDocument() {
        return "unchanged".equals(script("return window.__consoleTestMark"));
    }

    /** Saves what the browser shows as {@code console-<name>.png}. */
    Path screenshot(String name) throws IOException {
        Files.createDirectories(screenshots);
        Path file = screenshots.resolve("console-" + name + ".png");
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        return file;
    }

    /**
     * Saves a screenshot, the address, the page's text and the browser's console as
     * {@code failed-<name>.*} in the system-test logs, for a test that failed.
     */
    void keepForDiagnosis(String name) {
        Path dir = Path.of(System.getProperty("digest.system.logs", "target/system-logs"), "console");
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve("failed-" + name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
            StringBuilder text = new StringBuilder(driver.getCurrentUrl()).append("\n\n")
                    .append(driver.findElement(By.tagName("body")).getText()).append("\n\nconsole:\n");
            for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
                text.append(entry.getLevel()).append(' ').append(entry.getMessage()).append('\n');
            }
            Files.writeString(dir.resolve("failed-" + name + ".txt"), text);
        } catch (IOException | RuntimeException e) {
            System.err.println("Could not keep what the browser showed: " + e);
        }
    }

    /** The page laid out as on a phone 390 pixels wide, until {@link #desktop()}. */
    void phone() {
        viewport(390, 844, true);
    }

    /** The page laid out at exactly 1280×800 (the window's size would include the browser's own frame). */
    void desktop() {
        viewport(1280, 800, false);
    }

    private void viewport(int width, long height, boolean mobile) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", mobile));
    }

    /** Saves the whole page, 1280 wide and as long as it is, as {@code console-<name>.png}. */
    Path screenshotWholePage(String name) throws IOException {
        long height = ((Number) script("return Math.ceil(document.documentElement.scrollHeight)")).longValue();
        viewport(1280, Math.max(800, height), false);
        try {
            return screenshot(name);
        } finally {
            desktop();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }
}

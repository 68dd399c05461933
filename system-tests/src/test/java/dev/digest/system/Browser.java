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
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
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
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER)
                .usingAnyFreePort()
                .build();
        this.driver = new ChromeDriver(service, options);
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
        return new WebDriverWait(driver, timeout, Duration.ofMillis(50)).until(condition);
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
        return find("#status").getText();
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

    /** The page laid out as on a phone 390 pixels wide, until {@link #desktop()}. */
    void phone() {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 390, "height", 844, "deviceScaleFactor", 1, "mobile", true));
    }

    /** Cuts the browser off the network (open connections included), or connects it again. */
    void offline(boolean offline) {
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", offline, "latency", 0,
                "downloadThroughput", -1, "uploadThroughput", -1));
    }

    void desktop() {
        driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
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

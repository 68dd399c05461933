package dev.digest.worker.support;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

/**
 * The SMTP port of this test JVM: a free one, chosen once, which the worker's mailer is pointed
 * at ({@code quarkus.mailer.port}) and the tests' GreenMail servers listen on, so that two
 * checkouts' worker tests on one machine do not collide on a fixed port.
 *
 * <p>The port is kept in a system property because the test classes and this resource may be
 * loaded by different class loaders.
 */
@QuarkusTestResource(TestSmtp.class)
public class TestSmtp implements QuarkusTestResourceLifecycleManager {

    private static final String PROPERTY = "digest.test.smtp-port";

    /** The port; chosen on first use. */
    public static synchronized int port() {
        String chosen = System.getProperty(PROPERTY);
        if (chosen == null) {
            chosen = Integer.toString(freePort());
            System.setProperty(PROPERTY, chosen);
        }
        return Integer.parseInt(chosen);
    }

    /** GreenMail's SMTP on this JVM's port. */
    public static ServerSetup setup() {
        return new ServerSetup(port(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
    }

    /** A GreenMail SMTP server on this JVM's port, not yet started. */
    public static GreenMail server() {
        return new GreenMail(setup());
    }

    @Override
    public Map<String, String> start() {
        return Map.of("quarkus.mailer.host", "127.0.0.1", "quarkus.mailer.port", Integer.toString(port()));
    }

    @Override
    public void stop() {
        // Nothing runs here: each test starts and stops its own server on the port.
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.digest.worker.queue;

import dev.digest.worker.config.WorkerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** This instance's consumer name in the group: configured, or host name and process id. */
@ApplicationScoped
public class ConsumerName {

    private final String name;

    public ConsumerName(WorkerConfig config) {
        this.name = config.consumerName().orElseGet(ConsumerName::hostAndPid);
    }

    public String get() {
        return name;
    }

    private static String hostAndPid() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = System.getenv().getOrDefault("HOSTNAME", "worker");
        }
        return host + "-" + ProcessHandle.current().pid();
    }
}

package dev.failover.testkit;

import dev.failover.certs.Identity;
import dev.failover.certs.Keystores;
import dev.failover.certs.PkiException;
import dev.failover.certs.TestPki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real MQTT 5 broker for tests: mosquitto (Debian package {@code mosquitto}, installed by {@code
 * scripts/test-deps}) run as a child process on 127.0.0.1 with a generated configuration: TLS with a
 * broker certificate from the test PKI, client certificates required, the certificate's CN as the
 * user name, and an ACL that lets the gateway write only under its prefix and the incident team read
 * it. Stopped, started again on the same port, or killed (SIGKILL) as the tests need.
 */
public final class Mosquitto implements AutoCloseable {

    private static final Duration START_WAIT = Duration.ofSeconds(15);

    private final Path dir;
    private final Path conf;
    private final int port;
    private Process process;

    private Mosquitto(Path dir, Path conf, int port) {
        this.dir = dir;
        this.conf = conf;
        this.port = port;
    }

    /**
     * A broker over TLS whose certificate {@code brokerPki} issued (the plant's, or a foreign one for a
     * test of refusal), trusting clients of {@code clientPki}; {@code acl} is the ACL file's text.
     */
    public static Mosquitto startTls(Path dir, TestPki brokerPki, TestPki clientPki, String acl) throws IOException {
        try {
            return startTls(
                    dir,
                    brokerPki.identity(brokerPki.broker("broker-" + java.util.UUID.randomUUID())),
                    clientPki.pki().caChainFile(),
                    acl);
        } catch (PkiException e) {
            throw new IOException("cannot issue the broker's certificate: " + e.getMessage(), e);
        }
    }

    /**
     * A broker over TLS on a free loopback port presenting {@code broker} (its certificate needs SAN IP
     * 127.0.0.1), trusting clients whose chain ends in {@code clientsCa}; {@code acl} is the ACL file's text.
     */
    public static Mosquitto startTls(Path dir, Identity broker, Path clientsCa, String acl) throws IOException {
        Files.createDirectories(dir);
        try (PortReservation reserved = PortReservation.onLoopback()) {
            Files.writeString(dir.resolve("broker.pem"), Keystores.toPem(broker.chain()));
            Path key = dir.resolve("broker.key");
            Files.writeString(key, pkcs8Pem(broker.privateKey()));
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
            Files.copy(clientsCa, dir.resolve("clients-ca.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(dir.resolve("acl"), acl);
            int port = reserved.release();
            Path conf = dir.resolve("mosquitto.conf");
            Files.writeString(
                    conf,
                    String.join(
                            "\n",
                            // Run as whoever runs the tests: the files are private to them.
                            "user " + System.getProperty("user.name"),
                            // Sessions and their queued messages outlive a restart (stop() lets it save them).
                            "persistence true",
                            // A subscriber may fall behind a backlog's drain: queue for it, drop nothing.
                            "max_queued_messages 0",
                            "persistence_location " + dir + "/",
                            "log_dest stdout",
                            "log_type error",
                            "log_type warning",
                            "log_type notice",
                            "log_type information",
                            "log_timestamp_format %Y-%m-%dT%H:%M:%S",
                            "per_listener_settings false",
                            "allow_anonymous false",
                            "acl_file " + dir.resolve("acl"),
                            "listener " + port + " 127.0.0.1",
                            "cafile " + dir.resolve("clients-ca.pem"),
                            "certfile " + dir.resolve("broker.pem"),
                            "keyfile " + key,
                            "require_certificate true",
                            "use_identity_as_username true",
                            "tls_version tlsv1.2",
                            ""));
            Mosquitto m = new Mosquitto(dir, conf, port);
            m.start();
            return m;
        }
    }

    /**
     * An ACL: {@code writer} may write under {@code prefix}, {@code reader} may read it; both may read
     * and write the Sparkplug B namespace (the gateway's node and a host's commands and STATE).
     */
    public static String acl(String writer, String reader, String prefix) {
        return String.join(
                "\n",
                "user " + writer,
                "topic write " + prefix + "/#",
                "topic readwrite spBv1.0/#",
                "",
                "user " + reader,
                "topic read " + prefix + "/#",
                "topic readwrite spBv1.0/#",
                "");
    }

    /** {@code key} as a PKCS#8 PEM file's text, as mosquitto (OpenSSL) reads it. */
    private static String pkcs8Pem(java.security.PrivateKey key) throws IOException {
        java.io.StringWriter text = new java.io.StringWriter();
        try (org.bouncycastle.openssl.jcajce.JcaPEMWriter pem =
                new org.bouncycastle.openssl.jcajce.JcaPEMWriter(text)) {
            pem.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null));
        }
        return text.toString();
    }

    /** Whether mosquitto is installed ({@code scripts/test-deps} installs it). */
    public static boolean installed() {
        return Files.isExecutable(Path.of("/usr/sbin/mosquitto")) || Files.isExecutable(Path.of("/usr/bin/mosquitto"));
    }

    private static String executable() {
        return Files.isExecutable(Path.of("/usr/sbin/mosquitto")) ? "/usr/sbin/mosquitto" : "mosquitto";
    }

    /** Starts the broker (again) on its port and waits until it takes connections. */
    public synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            return;
        }
        process = new ProcessBuilder(executable(), "-c", conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("mosquitto.log").toFile()))
                .start();
        long end = System.nanoTime() + START_WAIT.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IOException("mosquitto exited with " + process.exitValue() + ": " + log());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while mosquitto starts", e);
                }
            }
        }
        throw new IOException("mosquitto did not listen on port " + port + " within " + START_WAIT + ": " + log());
    }

    /** Stops the broker (SIGTERM) and waits for it to exit. */
    public synchronized void stop() {
        end(false);
    }

    /** Kills the broker (SIGKILL). */
    public synchronized void kill() {
        end(true);
    }

    private void end(boolean kill) {
        if (process == null) {
            return;
        }
        if (kill) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public int port() {
        return port;
    }

    /** {@code ssl://127.0.0.1:<port>}. */
    public String uri() {
        return "ssl://127.0.0.1:" + port;
    }

    /** What the broker has logged so far. */
    public String log() {
        try {
            Path file = dir.resolve("mosquitto.log");
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines of the broker's log. */
    public List<String> logLines() {
        return log().lines().toList();
    }

    @Override
    public void close() {
        stop();
    }
}

package partyorg;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;
import org.neo4j.server.security.SecureHasher;
import org.neo4j.server.security.SystemGraphCredential;

/**
 * Runs an embedded Neo4j (community) with a Bolt connector, as its own JVM process, for the Node service.
 *
 * <p>Usage: {@code java ... partyorg.Neo4jLauncher --data-dir DIR --port N [--host 127.0.0.1]
 * [--pagecache-mb 512] [--no-parent-watch]}. The password for user {@code neo4j} comes from the environment
 * variable {@code NEO4J_LAUNCHER_PASSWORD} (kept off the command line, so {@code ps} does not show it).
 *
 * <p>Protocol on stdout: exactly one line, either {@code NEO4J_READY bolt://HOST:PORT} once the database is
 * available, or {@code NEO4J_FAILED <reason>} followed by a non-zero exit. Everything else goes to stderr or to
 * {@code DIR/logs}.
 *
 * <p>Lifetime: shuts down cleanly on SIGTERM (shutdown hook); also exits when stdin reaches EOF (the parent
 * keeps a pipe open, so EOF means it died) and when the parent process is no longer alive (polled each second).
 */
public final class Neo4jLauncher {
    static final String PASSWORD_ENV = "NEO4J_LAUNCHER_PASSWORD";
    static final String INITIAL_USER = "neo4j";

    private static final PrintStream PROTOCOL = new PrintStream(new FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
    private static final AtomicBoolean STOPPING = new AtomicBoolean(false);
    private static volatile DatabaseManagementService managementService;
    private static volatile Log4jLogProvider userLogProvider;

    private Neo4jLauncher() {}

    public static void main(String[] args) {
        // Anything else that writes to System.out (libraries) must not interleave with the protocol line.
        System.setOut(System.err);

        Options opts;
        try {
            opts = Options.parse(args);
        } catch (IllegalArgumentException e) {
            fail("bad arguments: " + e.getMessage(), null);
            return;
        }

        Runtime.getRuntime().addShutdownHook(new Thread(Neo4jLauncher::shutdown, "neo4j-launcher-shutdown"));
        if (opts.watchParent) {
            watchStdin();
            watchParentProcess();
        }

        try {
            start(opts);
        } catch (Throwable t) {
            fail(describe(t, opts), t);
        }
    }

    private static void start(Options opts) throws IOException {
        Path home = opts.dataDir.toAbsolutePath().normalize();
        Path logs = home.resolve("logs");
        Files.createDirectories(logs);

        OutputStream userLog = new FileOutputStream(logs.resolve("neo4j.log").toFile(), true);
        userLogProvider = new Log4jLogProvider(userLog, Level.INFO);

        long heapBytes = Runtime.getRuntime().maxMemory();
        // Leave room for the page cache's on-heap overhead, query caches and the Bolt layer.
        long txTotal = Math.max(64L << 20, heapBytes / 2);

        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home)
                .setUserLogProvider(userLogProvider)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(opts.host, opts.port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(opts.host, opts.port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseSettings.logs_directory, logs)
                .setConfig(GraphDatabaseSettings.pagecache_memory, opts.pageCacheMb << 20)
                .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, txTotal)
                .setConfig(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(5))
                // Netty waits this many seconds per event loop group (two of them) before stopping; the databases are
                // already closed by then, so a long quiet period only delays the exit (10 s by default).
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(5));

        long t0 = System.nanoTime();
        managementService = builder.build();
        long t1 = System.nanoTime();

        GraphDatabaseService db = managementService.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!db.isAvailable(TimeUnit.SECONDS.toMillis(1))) {
            if (STOPPING.get()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("database '" + db.databaseName() + "' did not become available in 5 minutes");
            }
        }

        long t2 = System.nanoTime();
        setPassword(opts.password);
        long t3 = System.nanoTime();
        System.err.printf(
                "neo4j-launcher: dbms started in %d ms, database available after %d ms more, password set in %d ms%n",
                (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);

        if (STOPPING.get()) {
            return;
        }
        PROTOCOL.println("NEO4J_READY bolt://" + opts.host + ":" + opts.port);
        PROTOCOL.flush();
    }

    /** Makes the password of user neo4j equal to the requested one, with no forced change on first login. */
    private static void setPassword(String password) {
        GraphDatabaseService system = managementService.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        if (passwordAlreadySet(system, password)) {
            return;
        }
        try {
            system.executeTransactionally(
                    "ALTER USER " + INITIAL_USER + " SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        } catch (RuntimeException e) {
            // Same password as already stored: only make sure no password change is pending.
            if (chainContains(e, "cannot be the same")) {
                system.executeTransactionally("ALTER USER " + INITIAL_USER + " SET PASSWORD CHANGE NOT REQUIRED");
                return;
            }
            throw e;
        }
    }

    /**
     * Fast path for restarts: reads the user node of the system graph with the core API and checks the stored
     * credential, which avoids the first Cypher query's planner warm-up (several seconds). Any surprise in the
     * stored format answers false, and the caller falls back to ALTER USER.
     */
    private static boolean passwordAlreadySet(GraphDatabaseService system, String password) {
        try (Transaction tx = system.beginTx()) {
            Node user = tx.findNode(Label.label("User"), "name", INITIAL_USER);
            if (user == null) {
                return false;
            }
            Object changeRequired = user.getProperty("passwordChangeRequired", Boolean.TRUE);
            Object credentials = user.getProperty("credentials", null);
            if (!Boolean.FALSE.equals(changeRequired) || !(credentials instanceof String stored)) {
                return false;
            }
            return SystemGraphCredential.deserialize(stored, new SecureHasher())
                    .matchesPassword(password.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            System.err.println("neo4j-launcher: could not check the stored password (" + e + "), setting it again");
            return false;
        }
    }

    private static void watchStdin() {
        Thread t = new Thread(
                () -> {
                    InputStream in = System.in;
                    byte[] buf = new byte[256];
                    try {
                        while (in.read(buf) >= 0) {
                            // The parent never writes; ignore anything that arrives.
                        }
                    } catch (IOException ignored) {
                        // A broken stdin means the same as EOF.
                    }
                    System.err.println("neo4j-launcher: stdin closed (parent gone), shutting down");
                    System.exit(0);
                },
                "neo4j-launcher-stdin-watch");
        t.setDaemon(true);
        t.start();
    }

    private static void watchParentProcess() {
        Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        if (parent.isEmpty()) {
            return;
        }
        ProcessHandle p = parent.get();
        Thread t = new Thread(
                () -> {
                    while (true) {
                        try {
                            Thread.sleep(1000);
                        } catch (InterruptedException e) {
                            return;
                        }
                        Optional<ProcessHandle> now = ProcessHandle.current().parent();
                        if (!p.isAlive() || now.isEmpty() || now.get().pid() != p.pid()) {
                            System.err.println("neo4j-launcher: parent process " + p.pid() + " is gone, shutting down");
                            System.exit(0);
                        }
                    }
                },
                "neo4j-launcher-parent-watch");
        t.setDaemon(true);
        t.start();
    }

    private static void shutdown() {
        if (!STOPPING.compareAndSet(false, true)) {
            return;
        }
        DatabaseManagementService service = managementService;
        if (service != null) {
            try {
                service.shutdown();
            } catch (Throwable t) {
                System.err.println("neo4j-launcher: error during shutdown: " + t);
            }
        }
        Log4jLogProvider logs = userLogProvider;
        if (logs != null) {
            logs.close();
        }
    }

    private static void fail(String reason, Throwable t) {
        if (t != null) {
            t.printStackTrace(System.err);
        }
        PROTOCOL.println("NEO4J_FAILED " + reason.replaceAll("[\\r\\n]+", " "));
        PROTOCOL.flush();
        System.exit(1);
    }

    private static String describe(Throwable t, Options opts) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BindException
                    || (c.getMessage() != null && c.getMessage().contains("Address already in use"))) {
                return "Bolt port " + opts.port + " is in use (" + opts.host + ":" + opts.port
                        + "): stop the other process or choose another port";
            }
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = t.getClass().getSimpleName() + ": " + t.getMessage();
        if (root != t) {
            msg += " (cause: " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        }
        return msg;
    }

    private static boolean chainContains(Throwable t, String text) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null && c.getMessage().contains(text)) {
                return true;
            }
        }
        return false;
    }

    private record Options(Path dataDir, String host, int port, long pageCacheMb, String password, boolean watchParent) {
        static Options parse(String[] args) {
            Path dataDir = null;
            String host = "127.0.0.1";
            Integer port = null;
            long pageCacheMb = 512;
            boolean watchParent = true;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--data-dir" -> dataDir = Path.of(value(args, ++i, a));
                    case "--host" -> host = value(args, ++i, a);
                    case "--port" -> port = parseInt(value(args, ++i, a), a, 1, 65535);
                    case "--pagecache-mb" -> pageCacheMb = parseInt(value(args, ++i, a), a, 8, 1 << 20);
                    case "--no-parent-watch" -> watchParent = false;
                    default -> throw new IllegalArgumentException("unknown argument " + a);
                }
            }
            if (dataDir == null) {
                throw new IllegalArgumentException("--data-dir is required");
            }
            if (port == null) {
                throw new IllegalArgumentException("--port is required");
            }
            String password = System.getenv(PASSWORD_ENV);
            if (password == null || password.isEmpty()) {
                throw new IllegalArgumentException("environment variable " + PASSWORD_ENV + " must hold the password");
            }
            return new Options(dataDir, host, port, pageCacheMb, password, watchParent);
        }

        private static String value(String[] args, int i, String name) {
            if (i >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            return args[i];
        }

        private static int parseInt(String s, String name, int min, int max) {
            try {
                int v = Integer.parseInt(s);
                if (v < min || v > max) {
                    throw new IllegalArgumentException(name + " must be between " + min + " and " + max);
                }
                return v;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a number, got '" + s + "'");
            }
        }
    }
}

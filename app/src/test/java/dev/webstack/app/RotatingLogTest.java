package dev.webstack.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rotation by size at line ends, the number of files kept, and the supervisor's lines among the output. */
class RotatingLogTest {
    @TempDir
    Path dir;

    @Test
    void filesAreCutAtLineEndsAndTheOldestBeyondTheKeptAreDeleted() throws Exception {
        Path file = dir.resolve("app-1.log");
        try (RotatingLog log = new RotatingLog(file, 1024, 2)) {
            for (int i = 0; i < 100; i++) {
                write(log, String.format("line %03d %s%n", i, "y".repeat(40))); // 50 bytes a line
            }
        }
        assertThat(dir.resolve("app-1.log.3")).doesNotExist();
        for (Path f : new Path[] {file, dir.resolve("app-1.log.1"), dir.resolve("app-1.log.2")}) {
            assertThat(Files.size(f)).isLessThanOrEqualTo(1024);
            assertThat(Files.readString(f)).startsWith("line ").endsWith("\n");
        }
        assertThat(Files.readString(file)).endsWith("line 099 " + "y".repeat(40) + "\n");
        assertThat(Files.readString(dir.resolve("app-1.log.2"))).doesNotContain("line 000");
    }

    @Test
    void aLineLongerThanAFileIsSplitAndNoFilesKeptMeansTruncation() throws Exception {
        Path file = dir.resolve("app-1.log");
        try (RotatingLog log = new RotatingLog(file, 1024, 0)) {
            write(log, "z".repeat(3000) + "\n");
        }
        assertThat(Files.size(file)).isEqualTo(3001 - 2048);
        assertThat(dir.resolve("app-1.log.1")).doesNotExist();
    }

    @Test
    void ourLinesStartOnALineOfTheirOwn() throws Exception {
        Path file = dir.resolve("app-1.log");
        try (RotatingLog log = new RotatingLog(file, 4096, 1)) {
            write(log, "partial output");
            log.line("exited with code 1");
            write(log, "next run\n");
        }
        assertThat(Files.readAllLines(file)).hasSize(3).satisfies(lines -> {
            assertThat(lines.get(0)).isEqualTo("partial output");
            assertThat(lines.get(1)).matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z \\[webstack\\] exited with code 1");
            assertThat(lines.get(2)).isEqualTo("next run");
        });
    }

    private static void write(RotatingLog log, String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        log.write(bytes, 0, bytes.length);
    }
}

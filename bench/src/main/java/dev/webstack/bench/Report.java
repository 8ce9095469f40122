package dev.webstack.bench;

import java.awt.image.BufferedImage;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The report writer of bench/run: once the script has measured, it turns the summary and meta files into
 * {@code DIR/STEM.md} (printed to stdout as well) and {@code DIR/STEM.png}, a chart of the ratios. Bad arguments or
 * input give one line on stderr naming the file and line, exit code 2, and no file written: both files are written
 * beside their final names and moved into place only when both are complete.
 */
public final class Report {
    static final String USAGE =
            "usage: java dev.webstack.bench.Report --summary SUMMARY.tsv --meta META.tsv --out-dir DIR --name STEM";
    private static final List<String> OPTIONS = List.of("--summary", "--meta", "--out-dir", "--name");

    private Report() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        System.exit(run(args, out, err));
    }

    /** Writes the report; 0 when written, 2 (after one line on {@code err}) when not. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (List.of(args).equals(List.of("--help"))) {
            out.println(USAGE);
            return 0;
        }
        Map<String, String> options;
        try {
            options = options(args);
        } catch (UsageException e) {
            err.println("report: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        Path summaryFile = Path.of(options.get("--summary"));
        Path metaFile = Path.of(options.get("--meta"));
        Path outDir = Path.of(options.get("--out-dir"));
        String stem = options.get("--name");
        try {
            Summary summary = Summary.parse(summaryFile, readLines(summaryFile));
            Meta meta = Meta.parse(metaFile, readLines(metaFile));
            String markdown = Markdown.render(summary, meta, stem + ".png");
            BufferedImage chart = new Chart(summary.rows(), meta).render();
            write(outDir, stem, markdown, chart);
            out.print(markdown);
            out.flush();
            return 0;
        } catch (InputException e) {
            err.println("report: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("report: " + outDir + ": cannot write " + stem + ".md and " + stem + ".png (" + e + ")");
            return 2;
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (!OPTIONS.contains(name)) {
                throw new UsageException("unknown option " + InputException.quote(name));
            }
            if (i + 1 == args.length || args[i + 1].isEmpty()) {
                throw new UsageException(name + " needs a value");
            }
            if (options.put(name, args[++i]) != null) {
                throw new UsageException(name + " given twice");
            }
        }
        for (String name : OPTIONS) {
            if (!options.containsKey(name)) {
                throw new UsageException("missing " + name);
            }
        }
        String stem = options.get("--name");
        if (stem.contains("/") || stem.contains("\\") || stem.startsWith(".")) {
            throw new UsageException("--name " + InputException.quote(stem)
                    + " (expected: a file name without extension, like summary-2026-11-28-0500)");
        }
        return options;
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new InputException(file, "no such file");
        } catch (AccessDeniedException e) {
            throw new InputException(file, "permission denied");
        } catch (CharacterCodingException e) {
            throw new InputException(file, "not UTF-8 text");
        } catch (IOException e) {
            throw new InputException(file, "cannot read (" + e + ")");
        }
    }

    /** Both files complete beside their final names, then renamed into place; partial files are removed. */
    private static void write(Path outDir, String stem, String markdown, BufferedImage chart) throws IOException {
        Files.createDirectories(outDir);
        Path markdownPart = outDir.resolve("." + stem + ".md.part");
        Path chartPart = outDir.resolve("." + stem + ".png.part");
        try {
            Files.writeString(markdownPart, markdown, StandardCharsets.UTF_8);
            if (!ImageIO.write(chart, "png", chartPart.toFile())) {
                throw new IOException("no PNG writer in this JDK");
            }
            // same directory, so a rename: a reader sees the old file or the new one, never half of one
            Files.move(chartPart, outDir.resolve(stem + ".png"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            Files.move(markdownPart, outDir.resolve(stem + ".md"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(markdownPart);
            Files.deleteIfExists(chartPart);
        }
    }

    /** A command line that does not follow {@link #USAGE}. */
    private static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}

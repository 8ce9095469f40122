package dev.webstack.edge.config;

import java.time.Duration;
import java.util.List;

/**
 * How static files are served, shared by every site.
 *
 * @param cacheValid how long a file's metadata (and its cached bytes) are trusted before the file
 *     is looked at again, like nginx's open_file_cache_valid (default 1 s)
 * @param memoryCacheMaxFile files up to this size are kept in memory; larger ones are sent
 *     zero-copy from the file on plain HTTP (default 64 KiB)
 * @param memoryCacheSize total bytes of file content (and gzipped variants) kept in memory
 *     (default 64 MiB)
 * @param gzip whether compressible responses are gzipped on the fly for clients that accept it
 *     (default true)
 * @param gzipMinLength smallest body that is gzipped (default 1024)
 * @param gzipMaxLength largest file that is gzipped on the fly; larger ones go uncompressed unless
 *     a precompressed sibling exists (default 8 MiB)
 * @param gzipTypes media types that are compressed; {@code text/*} matches every text type
 */
public record FilesConfig(
        Duration cacheValid,
        int memoryCacheMaxFile,
        long memoryCacheSize,
        boolean gzip,
        int gzipMinLength,
        int gzipMaxLength,
        List<String> gzipTypes) {

    public static final List<String> DEFAULT_GZIP_TYPES = List.of(
            "text/*",
            "application/javascript",
            "application/json",
            "application/manifest+json",
            "application/xml",
            "application/rss+xml",
            "application/atom+xml",
            "application/wasm",
            "image/svg+xml",
            "font/ttf",
            "font/otf");

    public static final FilesConfig DEFAULT = new FilesConfig(
            Duration.ofSeconds(1), 64 * 1024, 64L << 20, true, 1024, 8 << 20, DEFAULT_GZIP_TYPES);

    public FilesConfig {
        gzipTypes = List.copyOf(gzipTypes);
    }
}

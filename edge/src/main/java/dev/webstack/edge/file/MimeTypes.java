package dev.webstack.edge.file;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * File-name extension to media type, the table nginx ships in {@code mime.types} plus the modern
 * web types it lacks. Text types carry {@code charset=utf-8}, as Caddy sends them.
 */
final class MimeTypes {
    static final String DEFAULT = "application/octet-stream";

    private static final Map<String, String> BY_EXTENSION = new HashMap<>();

    static {
        add("text/html; charset=utf-8", "html", "htm", "shtml");
        add("text/css; charset=utf-8", "css");
        add("text/xml; charset=utf-8", "xml");
        add("text/plain; charset=utf-8", "txt", "text", "log", "conf", "ini");
        add("text/csv; charset=utf-8", "csv");
        add("text/markdown; charset=utf-8", "md", "markdown");
        add("text/calendar; charset=utf-8", "ics");
        add("text/vcard; charset=utf-8", "vcf");
        add("text/vtt; charset=utf-8", "vtt");
        add("text/mathml; charset=utf-8", "mml");
        add("text/vnd.sun.j2me.app-descriptor", "jad");
        add("text/vnd.wap.wml", "wml");
        add("text/x-component", "htc");
        add("text/javascript; charset=utf-8", "js", "mjs");
        add("application/json; charset=utf-8", "json", "map");
        add("application/ld+json; charset=utf-8", "jsonld");
        add("application/manifest+json; charset=utf-8", "webmanifest");
        add("application/atom+xml", "atom");
        add("application/rss+xml", "rss");
        add("application/xhtml+xml", "xhtml");
        add("application/xspf+xml", "xspf");
        add("application/wasm", "wasm");
        add("application/pdf", "pdf");
        add("application/zip", "zip");
        add("application/gzip", "gz", "tgz");
        add("application/x-bzip2", "bz2");
        add("application/x-xz", "xz");
        add("application/zstd", "zst");
        add("application/x-tar", "tar");
        add("application/x-7z-compressed", "7z");
        add("application/x-rar-compressed", "rar");
        add("application/java-archive", "jar", "war", "ear");
        add("application/msword", "doc");
        add("application/vnd.ms-excel", "xls");
        add("application/vnd.ms-powerpoint", "ppt");
        add("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx");
        add("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx");
        add("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx");
        add("application/vnd.oasis.opendocument.text", "odt");
        add("application/vnd.oasis.opendocument.spreadsheet", "ods");
        add("application/vnd.oasis.opendocument.presentation", "odp");
        add("application/vnd.oasis.opendocument.graphics", "odg");
        add("application/rtf", "rtf");
        add("application/epub+zip", "epub");
        add("application/postscript", "ps", "eps", "ai");
        add("application/vnd.apple.mpegurl", "m3u8");
        add("application/vnd.google-earth.kml+xml", "kml");
        add("application/vnd.google-earth.kmz", "kmz");
        add("application/vnd.android.package-archive", "apk");
        add("application/x-apple-diskimage", "dmg");
        add("application/x-debian-package", "deb");
        add("application/x-redhat-package-manager", "rpm");
        add("application/x-iso9660-image", "iso");
        add("application/x-msdownload", "exe", "dll");
        add("application/x-msi", "msi");
        add("application/x-shockwave-flash", "swf");
        add("application/x-x509-ca-cert", "der", "pem", "crt");
        add("application/x-perl", "pl", "pm");
        add("application/x-sh", "sh");
        add("application/x-tcl", "tcl", "tk");
        add("application/x-java-jnlp-file", "jnlp");
        add("application/x-cocoa", "cco");
        add("application/x-makeself", "run");
        add("application/x-pilot", "prc", "pdb");
        add("application/x-sea", "sea");
        add("application/x-stuffit", "sit");
        add("application/x-xpinstall", "xpi");
        add("application/mac-binhex40", "hqx");
        add("application/octet-stream", "bin", "img", "msp", "msm");
        add("application/vnd.wap.wmlc", "wmlc");
        add("application/sql", "sql");
        add("application/toml", "toml");
        add("application/yaml", "yaml", "yml");
        add("image/png", "png");
        add("image/apng", "apng");
        add("image/jpeg", "jpg", "jpeg", "jfif");
        add("image/gif", "gif");
        add("image/webp", "webp");
        add("image/avif", "avif");
        add("image/jxl", "jxl");
        add("image/heic", "heic");
        add("image/heif", "heif");
        add("image/svg+xml", "svg", "svgz");
        add("image/x-icon", "ico");
        add("image/bmp", "bmp");
        add("image/tiff", "tif", "tiff");
        add("image/vnd.wap.wbmp", "wbmp");
        add("image/x-jng", "jng");
        add("font/woff", "woff");
        add("font/woff2", "woff2");
        add("font/ttf", "ttf");
        add("font/otf", "otf");
        add("font/collection", "ttc");
        add("application/vnd.ms-fontobject", "eot");
        add("audio/mpeg", "mp3");
        add("audio/ogg", "ogg", "oga", "opus");
        add("audio/wav", "wav");
        add("audio/webm", "weba");
        add("audio/aac", "aac");
        add("audio/flac", "flac");
        add("audio/midi", "mid", "midi", "kar");
        add("audio/x-m4a", "m4a");
        add("audio/x-realaudio", "ra");
        add("video/mp4", "mp4", "m4v");
        add("video/webm", "webm");
        add("video/ogg", "ogv");
        add("video/mpeg", "mpeg", "mpg");
        add("video/quicktime", "mov");
        add("video/x-matroska", "mkv");
        add("video/x-msvideo", "avi");
        add("video/x-flv", "flv");
        add("video/x-ms-wmv", "wmv");
        add("video/x-ms-asf", "asx", "asf");
        add("video/3gpp", "3gpp", "3gp");
        add("video/mp2t", "ts");
        add("video/x-mng", "mng");
    }

    private MimeTypes() {}

    private static void add(String type, String... extensions) {
        for (String e : extensions) {
            BY_EXTENSION.put(e, type);
        }
    }

    /** The media type for a file name, by its last extension; octet-stream when unknown. */
    static String forFileName(String name) {
        int dot = name.lastIndexOf('.');
        if (dot < 0 || dot == name.length() - 1) {
            return DEFAULT;
        }
        return BY_EXTENSION.getOrDefault(name.substring(dot + 1).toLowerCase(Locale.ROOT), DEFAULT);
    }
}

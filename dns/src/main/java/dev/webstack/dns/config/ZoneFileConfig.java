package dev.webstack.dns.config;

import java.nio.file.Path;

/**
 * A zone read from an RFC 1035 master file.
 *
 * @param origin the zone's name; relative names in the file are relative to it
 * @param file the master file
 */
public record ZoneFileConfig(String origin, Path file) {
}

package dev.echokit.server;

import dev.echokit.config.TlsOptions;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SHA-256 of each file a listener's TLS settings name, taken when the server loaded them, so that a reload
 * can tell a rotated certificate (same path, new content) from an unchanged one.
 */
record TlsFiles(Map<String, String> digests) {

  /** A listener without TLS, or with a self-signed certificate: no file to watch. */
  static final TlsFiles NONE = new TlsFiles(Map.of());

  TlsFiles {
    digests = Map.copyOf(digests);
  }

  /** The certificate, key, key store and trust files {@code tls} names; none for a self-signed certificate. */
  static List<String> paths(TlsOptions tls) {
    List<String> paths = new ArrayList<>();
    if (tls != null) {
      for (String path : new String[] {tls.certPath(), tls.keyPath(), tls.keyStorePath(), tls.trustPath()}) {
        if (path != null) {
          paths.add(path);
        }
      }
    }
    return paths;
  }

  /** Reads and digests every file of {@code tls} now; blocking, so for a worker thread. */
  static TlsFiles read(TlsOptions tls) {
    Map<String, String> digests = new LinkedHashMap<>();
    for (String path : paths(tls)) {
      try {
        digests.put(path, digest(Files.readAllBytes(Path.of(path))));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
      }
    }
    return new TlsFiles(digests);
  }

  static String digest(Buffer content) {
    return digest(content.getBytes());
  }

  static String digest(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      // Every JDK has SHA-256 (it is a required algorithm of the platform).
      throw new IllegalStateException(e);
    }
  }
}

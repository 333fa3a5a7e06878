package dev.echokit.client;

import dev.echokit.config.PeerOptions;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Says in one line why a TLS connection failed and what to change, from the JDK's exceptions: an untrusted or
 * self-signed certificate, a host name mismatch, a server that wants a client certificate, or a peer that does not
 * speak TLS at all. Used by the client and the load generator alike.
 */
public final class TlsFailure {

  /** The JDK's host name check names the host it could not find: "No subject alternative DNS name matching x found". */
  private static final Pattern NAME_MISMATCH = Pattern.compile(
      "No (?:subject alternative (?:DNS )?names? matching (?:IP address )?|name matching )(\\S+?) found"
          + "|No subject alternative names present");

  /** Causes looked at: real chains are a handful deep; the bound only guards against a pathological one. */
  private static final int MAX_CAUSES = 16;

  private TlsFailure() {
  }

  /**
   * What went wrong, as the part of a line after "cannot connect to host:port: ", or null when {@code err} is no TLS
   * failure this class knows.
   */
  public static String describe(Throwable err, PeerOptions peer) {
    String text = messages(err);
    String lower = text.toLowerCase(Locale.ROOT);
    if (!peer.tls()) {
      return null;
    }
    Matcher mismatch = NAME_MISMATCH.matcher(text);
    if (mismatch.find()) {
      String name = mismatch.group(1);
      return "the server's certificate is not for " + (name == null ? "this host" : "\"" + name + "\"")
          + " (host name mismatch) — connect with a name the certificate lists, or pass --insecure to skip the check";
    }
    if (lower.contains("pkix path building failed") || lower.contains("unable to find valid certification path")) {
      return peer.trustPath() == null
          ? "the server's certificate is not trusted (self-signed, or from a CA this JVM does not know) — pass "
              + "--trust FILE with the server's certificate or its CA (PEM), or --insecure to skip the check"
          : "the server's certificate does not chain to the certificates in --trust " + peer.trustPath()
              + " — pass the server's own certificate or its CA, or --insecure to skip the check";
    }
    if (lower.contains("certificateexpired") || lower.contains("certificatenotyetvalid")
        || lower.contains("validity check failed")) {
      return "the server's certificate has expired or is not valid yet — renew it, check the clock, or pass "
          + "--insecure to skip the check";
    }
    if (lower.contains("bad_certificate") || lower.contains("certificate_required")
        || lower.contains("certificate_unknown") || lower.contains("unknown_ca")) {
      return peer.certPath() == null
          ? "the server requires a client certificate (mTLS) — pass --cert FILE --key FILE with one signed by a CA "
              + "it trusts"
          : "the server refused the client certificate " + peer.certPath() + " — is it signed by a CA the server "
              + "trusts, and still valid?";
    }
    if (lower.contains("unexpected handshake message: client_hello")) {
      return "the server does not speak TLS: it sent our TLS handshake back, as a plain TCP echo does — drop --tls, "
          + "or use the port of a tls listener";
    }
    if (lower.contains("unrecognized ssl message") || lower.contains("notsslrecordexception")
        || lower.contains("not an ssl/tls record")) {
      return "the server does not speak TLS (it answered with something else) — drop --tls, or use the port of a "
          + "tls listener";
    }
    if (lower.contains("handshake timed out")) {
      return "no TLS handshake came back in time — is this the port of a tls listener?";
    }
    if (lower.contains("protocol_version") || lower.contains("handshake_failure")
        || lower.contains("no appropriate protocol")) {
      return "the server and this client share no TLS version or cipher suite (" + innermost(err) + ")";
    }
    return null;
  }

  /** {@code err} as a one-line {@link EchoException} naming host and port when it is a TLS failure, else unchanged. */
  static Throwable explain(Throwable err, PeerOptions peer, String host, int port) {
    String reason = describe(err, peer);
    return reason == null ? err : EchoException.because("cannot connect to " + host + ":" + port + ": " + reason, err);
  }

  /** Every message and class name in the cause chain, for matching. */
  private static String messages(Throwable err) {
    StringBuilder all = new StringBuilder();
    int depth = 0;
    for (Throwable t = err; t != null && depth++ < MAX_CAUSES; t = t.getCause() == t ? null : t.getCause()) {
      all.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
    }
    return all.toString();
  }

  private static String innermost(Throwable err) {
    Throwable t = err;
    for (int depth = 0; t.getCause() != null && t.getCause() != t && depth < MAX_CAUSES; depth++) {
      t = t.getCause();
    }
    return String.valueOf(t.getMessage());
  }
}

package dev.echokit.config;

import dev.echokit.testing.TestCerts;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The mTLS client settings, client.cert and client.key (--cert, --key), and their checks. */
class ClientCertificateOptionsTest {

  final TestCerts certs = TestCerts.get();

  static ClientOptions client(JsonObject section) {
    return ClientOptions.fromJson(new JsonObject().put("client", section));
  }

  @Test
  @DisplayName("--tls with --cert and --key: both paths are kept")
  void certAndKey() {
    PeerOptions peer = client(new JsonObject().put("tls", true).put("cert", certs.clientCert().toString())
        .put("key", certs.clientKey().toString())).peer();
    assertThat(peer.certPath()).isEqualTo(certs.clientCert().toString());
    assertThat(peer.keyPath()).isEqualTo(certs.clientKey().toString());
  }

  @Test
  @DisplayName("--cert without --key says they go together")
  void certWithoutKey() {
    assertThatThrownBy(() -> client(new JsonObject().put("tls", true).put("cert", certs.clientCert().toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid client.key: missing — --cert and --key go together (a PEM client certificate and its private key)");
  }

  @Test
  @DisplayName("--key without --cert says they go together")
  void keyWithoutCert() {
    assertThatThrownBy(() -> client(new JsonObject().put("tls", true).put("key", certs.clientKey().toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid client.cert: missing — --cert and --key go together (a PEM client certificate and its private key)");
  }

  @Test
  @DisplayName("--cert without --tls says to add --tls")
  void certNeedsTls() {
    assertThatThrownBy(() -> LoadOptions.fromJson(new JsonObject().put("bench", new JsonObject()
        .put("cert", certs.clientCert().toString()).put("key", certs.clientKey().toString()))))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid bench.cert: a client certificate applies to TLS only — add --tls (or set tls: true)");
  }

  @Test
  @DisplayName("a --key path that cannot be read is named with its layer")
  void unreadableKey() {
    assertThatThrownBy(() -> client(new JsonObject().put("tls", true).put("cert", certs.clientCert().toString())
        .put("key", "no/such.key")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid client.key = \"no/such.key\" (from config): expected a readable PEM file");
  }
}

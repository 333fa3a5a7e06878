package dev.echokit.config;

import dev.echokit.config.PeerOptions.Transport;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PeerOptionsTest {

  static ClientOptions client(String clientJson) {
    return ClientOptions.fromJson(new JsonObject().put("client", new JsonObject(clientJson)));
  }

  @Test
  @DisplayName("by default the client speaks plain TCP")
  void defaultIsTcp() {
    assertThat(ClientOptions.defaults().peer()).isEqualTo(PeerOptions.TCP);
    assertThat(PeerOptions.TCP.scheme()).isEqualTo("tcp");
  }

  @Test
  @DisplayName("tls over ws is wss, tls over tcp is tls")
  void schemes() {
    assertThat(client("{\"protocol\": \"ws\", \"tls\": true}").peer().scheme()).isEqualTo("wss");
    assertThat(client("{\"tls\": true, \"insecure\": true}").peer().scheme()).isEqualTo("tls");
  }

  @Test
  @DisplayName("the load generator reads the same settings under bench.")
  void benchPrefix() {
    LoadOptions load = LoadOptions.fromJson(new JsonObject().put("bench", new JsonObject().put("protocol", "udp")
        .put("lossTimeout", 250)));
    assertThat(load.peer().transport()).isEqualTo(Transport.UDP);
    assertThat(load.peer().lossTimeoutMillis()).isEqualTo(250);
  }

  @Test
  @DisplayName("--insecure without --tls says to add --tls")
  void insecureNeedsTls() {
    assertThatThrownBy(() -> client("{\"insecure\": true}"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid client.insecure: it applies to TLS only — add --tls (or set tls: true)");
  }

  @Test
  @DisplayName("TLS over UDP is refused: there is no DTLS")
  void noDtls() {
    assertThatThrownBy(() -> client("{\"protocol\": \"udp\", \"tls\": true}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("invalid client.tls = true with protocol udp");
  }

  @Test
  @DisplayName("a trust file that cannot be read is named")
  void unreadableTrust() {
    assertThatThrownBy(() -> client("{\"tls\": true, \"trust\": \"no/such.pem\"}"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid client.trust = \"no/such.pem\" (from config): expected a readable PEM file");
  }

  @Test
  @DisplayName("an unknown protocol lists the choices")
  void unknownTransport() {
    assertThatThrownBy(() -> client("{\"protocol\": \"quic\"}"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid client.protocol = \"quic\" (from config): expected one of tcp, udp, ws");
  }
}

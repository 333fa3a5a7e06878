package dev.echokit.config;

import dev.echokit.config.ListenerOptions.Protocol;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ListenersConfigTest {

  static ServerOptions withListeners(String listenersJson) {
    return ServerOptions.fromJson(new JsonObject().put("listeners", new JsonArray(listenersJson)));
  }

  @Test
  @DisplayName("without a listeners list the server has one TCP listener on host, port and instances")
  void defaultIsOneTcpListener() {
    ServerOptions options = ServerOptions.fromJson(new JsonObject().put("port", 7000).put("instances", 3));
    assertThat(options.effectiveListeners()).containsExactly(ListenerOptions.tcp("localhost", 7000, 3));
  }

  @Test
  @DisplayName("an entry without host, port or instances takes the top-level ones")
  void entriesInheritTopLevel() {
    ServerOptions options = ServerOptions.fromJson(new JsonObject().put("host", "127.0.0.1").put("port", 7000)
        .put("instances", 3).put("listeners", new JsonArray("[{\"protocol\": \"tcp\"}, "
            + "{\"protocol\": \"udp\"}, {\"protocol\": \"http\", \"port\": 8080, \"host\": \"::1\", \"instances\": 1}]")));
    List<ListenerOptions> effective = options.effectiveListeners();
    assertThat(effective).extracting(ListenerOptions::protocol).containsExactly(Protocol.TCP, Protocol.UDP, Protocol.HTTP);
    assertThat(effective).extracting(ListenerOptions::host).containsExactly("127.0.0.1", "127.0.0.1", "::1");
    assertThat(effective).extracting(ListenerOptions::port).containsExactly(7000, 7000, 8080);
    assertThat(effective).extracting(ListenerOptions::instances).containsExactly(3, 1, 1);
  }

  @Test
  @DisplayName("ECHOKIT_PORT=0 moves every entry that leaves out its port to a free port")
  void topLevelPortReachesEntries() {
    ServerOptions options = withListeners("[{\"protocol\": \"tcp\"}, {\"protocol\": \"udp\"}]").withPort(0);
    assertThat(options.effectiveListeners()).extracting(ListenerOptions::port).containsExactly(0, 0);
  }

  @Test
  @DisplayName("the listeners list can come from an environment variable as JSON text")
  void listenersFromText() {
    Settings s = new Settings().put("listeners", "[{\"protocol\": \"tls\", \"port\": 9443, \"tls\": "
        + "{\"selfSigned\": true}}]", "environment ECHOKIT_LISTENERS");
    ListenerOptions tls = ServerOptions.from(s).effectiveListeners().get(0);
    assertThat(tls.scheme()).isEqualTo("tls");
    assertThat(tls.tls()).isEqualTo(TlsOptions.SELF_SIGNED_DEV);
  }

  @Test
  @DisplayName("an http listener with a tls block serves https")
  void httpsScheme() {
    ServerOptions options = withListeners("[{\"protocol\": \"http\", \"port\": 0, \"tls\": {\"selfSigned\": true}}]");
    assertThat(options.effectiveListeners().get(0).scheme()).isEqualTo("https");
  }

  @Test
  @DisplayName("conf/all-protocols.json enables tcp, tls, udp and http together")
  void allProtocolsFile() throws Exception {
    JsonObject json = new JsonObject(Files.readString(Path.of("conf/all-protocols.json")));
    assertThat(ServerOptions.fromJson(json).effectiveListeners()).extracting(ListenerOptions::scheme)
        .containsExactly("tcp", "tls", "udp", "http");
  }

  @Test
  @DisplayName("two stream listeners on one port are refused, naming both")
  void portConflict() {
    assertThatThrownBy(() -> withListeners("[{\"protocol\": \"tcp\", \"port\": 9000}, {\"protocol\": \"http\", "
        + "\"port\": 9000}]"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid listeners[1].port = 9000: listeners[0] (tcp) already uses localhost:9000 — give each "
            + "listener its own port");
  }

  @Test
  @DisplayName("a tls listener that leaves out its port clashes with the tcp one on the top-level port")
  void inheritedPortConflict() {
    assertThatThrownBy(() -> withListeners("[{\"protocol\": \"tcp\"}, {\"protocol\": \"tls\", \"tls\": "
        + "{\"selfSigned\": true}}]"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("invalid listeners[1].port = 12345: listeners[0] (tcp) already uses localhost:12345");
  }

  @Test
  @DisplayName("tcp and udp may share a port number, as RFC 862's port 7 does")
  void tcpAndUdpShareAPort() {
    assertThat(withListeners("[{\"protocol\": \"tcp\", \"port\": 9007}, {\"protocol\": \"udp\", \"port\": 9007}]")
        .effectiveListeners()).hasSize(2);
  }

  @Test
  @DisplayName("an entry without a protocol is refused, naming the entry and the choices")
  void missingProtocol() {
    assertThatThrownBy(() -> withListeners("[{\"port\": 9000}]"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid listeners[0].protocol: missing, expected one of tcp, tls, udp, http");
  }

  @Test
  @DisplayName("an unknown protocol is refused with the choices")
  void unknownProtocol() {
    assertThatThrownBy(() -> withListeners("[{\"protocol\": \"sctp\"}]"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid listeners[0].protocol = \"sctp\" (from config): expected one of tcp, tls, udp, http");
  }

  @Test
  @DisplayName("a misspelt key inside an entry is an error, not silently ignored")
  void unknownEntryKey() {
    assertThatThrownBy(() -> withListeners("[{\"protocol\": \"tcp\", \"prot\": 9000}]"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("unknown key listeners[0].prot (config) in a listener: expected one of host, "
            + "http.maxBodySize");
  }

  @Test
  @DisplayName("a tls listener without a tls block says what to add")
  void tlsWithoutBlock() {
    assertThatThrownBy(() -> withListeners("[{\"protocol\": \"tls\", \"port\": 9443}]"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("invalid listeners[0].tls: missing — a tls listener needs \"tls\": {\"selfSigned\": true}");
  }

  @Test
  @DisplayName("a tls block with two certificate sources is refused")
  void twoCertificateSources() {
    assertThatThrownBy(() -> withListeners("[{\"protocol\": \"tls\", \"port\": 9443, \"tls\": {\"selfSigned\": true, "
        + "\"keyStorePath\": \"pom.xml\"}}]"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("invalid listeners[0].tls: expected exactly one certificate source");
  }

  @Test
  @DisplayName("a certificate file that cannot be read is named at start-up, not at the first handshake")
  void unreadableCertificate() {
    assertThatThrownBy(() -> withListeners("[{\"protocol\": \"tls\", \"port\": 9443, \"tls\": {\"certPath\": "
        + "\"no/such/cert.pem\", \"keyPath\": \"no/such/key.pem\"}}]"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("invalid listeners[0].tls.certPath = \"no/such/cert.pem\" (from config): expected a "
            + "readable file");
  }

  @Test
  @DisplayName("mTLS without a trust file says which key is missing")
  void clientAuthNeedsTrust() {
    assertThatThrownBy(() -> withListeners("[{\"protocol\": \"tls\", \"port\": 9443, \"tls\": {\"selfSigned\": true, "
        + "\"clientAuth\": \"required\"}}]"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("invalid listeners[0].tls: tls.clientAuth = required needs tls.trustPath");
  }

  @Test
  @DisplayName("a tls block on a tcp listener points to protocol tls")
  void tlsBlockOnTcp() {
    assertThatThrownBy(() -> withListeners("[{\"protocol\": \"tcp\", \"tls\": {\"selfSigned\": true}}]"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid listeners[0]: a tcp listener takes none of the tls settings");
  }

  @Test
  @DisplayName("a udp listener with two instances is refused with the reason")
  void udpInstances() {
    assertThatThrownBy(() -> withListeners("[{\"protocol\": \"udp\", \"instances\": 2}]"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("invalid listeners[0]: instances = 2, expected 1");
  }

  @Test
  @DisplayName("an empty listeners list is refused: the server would serve nothing")
  void emptyList() {
    assertThatThrownBy(() -> withListeners("[]"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("invalid listeners = \"[]\" (from config): expected at least one listener");
  }

  @Test
  @DisplayName("listeners must be a list of objects")
  void notAList() {
    assertThatThrownBy(() -> ServerOptions.fromJson(new JsonObject().put("listeners", 5)))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid listeners = 5 (from config): expected a JSON array of objects");
  }

  @Test
  @DisplayName("a WebSocket path on / would hide the page: refused")
  void webSocketPathOnRoot() {
    assertThatThrownBy(() -> withListeners("[{\"protocol\": \"http\", \"http\": {\"webSocketPath\": \"/\"}}]"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("invalid listeners[0].http.webSocketPath = \"/\"");
  }
}

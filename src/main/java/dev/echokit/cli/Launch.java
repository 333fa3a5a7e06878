package dev.echokit.cli;

import dev.echokit.client.ClientVerticle;
import dev.echokit.config.ConfigException;
import dev.echokit.config.ConfigLoader;
import dev.echokit.config.MetricsOptions;
import dev.echokit.config.Settings;
import dev.echokit.config.TransportChoice;
import dev.echokit.config.ServerOptions;
import dev.echokit.metrics.PrometheusRegistry;
import dev.echokit.server.EchoServerVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

/** What every EchoKit entry point does the same way: logging set-up, launcher options, exit codes. */
final class Launch {

  /** A configuration the user must fix. */
  static final int EXIT_CONFIG = 2;
  /** The server could not listen, or the client's echo failed. */
  static final int EXIT_FAILURE = 1;

  /** Set once EchoKit itself asks the JVM to exit, so the shutdown hook keeps that exit code. */
  private static volatile boolean exiting;

  private Launch() {
  }

  /**
   * Vert.x on the transport the layered configuration (file, environment, properties, -conf) asks for, with
   * its metrics in EchoKit's Prometheus registry unless {@code metrics.enabled} is false: metrics can only be
   * switched on while Vert.x is built.
   */
  static VertxBuilder vertxBuilder(VertxOptions options, JsonObject conf) {
    try {
      Settings settings = ConfigLoader.loadNow(conf);
      if (MetricsOptions.from(settings).enabled()
          && (options.getMetricsOptions() == null || !options.getMetricsOptions().isEnabled())) {
        options.setMetricsOptions(PrometheusRegistry.vertxMetricsOptions());
      }
      return Transports.builder(options, TransportChoice.from(settings));
    } catch (ConfigException e) {
      exitWith(e);
      throw e;
    }
  }

  static boolean hasOption(String[] args, String name) {
    return Arrays.stream(args).anyMatch(a -> a.equalsIgnoreCase("-" + name) || a.equalsIgnoreCase("--" + name)
        || a.toLowerCase().startsWith("-" + name + "=") || a.toLowerCase().startsWith("--" + name + "="));
  }

  /**
   * The launcher's {@code -instances N} means N listeners: for the server it becomes the highest-precedence
   * {@code instances} setting of one deployment, since the server itself spreads its listeners over event loops.
   */
  static void foldInstances(String verticle, DeploymentOptions deployment, boolean instancesGiven) {
    if (instancesGiven && EchoServerVerticle.class.getName().equals(verticle)) {
      JsonObject config = deployment.getConfig() == null ? new JsonObject() : deployment.getConfig();
      deployment.setConfig(config.put(ServerOptions.INSTANCES, deployment.getInstances()));
      deployment.setInstances(1);
    }
  }

  /** A deployed {@link ClientVerticle} reports its outcome on the event bus: exit with it. */
  static void exitWhenClientDone(Vertx vertx) {
    vertx.eventBus().<JsonObject>localConsumer(ClientVerticle.DONE_ADDRESS, msg -> {
      JsonObject outcome = msg.body();
      if (!outcome.getBoolean("ok", false)) {
        System.err.println(outcome.getString("error"));
      }
      exit(outcome.getBoolean("ok", false) ? 0 : EXIT_FAILURE);
    });
  }

  /**
   * Exits the JVM. From a Vert.x thread the exit runs on a thread of its own: the shutdown hook closes
   * Vert.x and waits for its event loops, which must not be blocked in System.exit meanwhile.
   */
  static void exit(int code) {
    exiting = true;
    if (Context.isOnVertxThread()) {
      new Thread(() -> System.exit(code), "echokit-exit").start();
    } else {
      System.exit(code);
    }
  }

  /**
   * Called once Vert.x has closed after SIGTERM or Ctrl-C: a clean stop, so exit 0 rather than the JVM's
   * 143, which service managers would report as a failure.
   */
  static void stoppedBySignal() {
    if (!exiting) {
      Runtime.getRuntime().halt(0);
    }
  }

  /** Prints the failure as one line (the stack trace only at debug level) and exits. */
  static void exitWith(Throwable failure) {
    System.err.println(describe(failure));
    LoggerFactory.getLogger(Launch.class).debug("failure detail", failure);
    exit(exitCode(failure));
  }

  static int exitCode(Throwable failure) {
    return failure instanceof ConfigException ? EXIT_CONFIG : EXIT_FAILURE;
  }

  /** Our own exceptions carry a sentence for the user; anything else is named by its type. */
  static String describe(Throwable failure) {
    if (failure == null) {
      return "timed out";
    }
    if (failure.getClass().getName().startsWith("dev.echokit.")) {
      return failure.getMessage();
    }
    if (failure instanceof ClassNotFoundException) {
      return "no verticle class " + failure.getMessage() + " on the class path — check the verticle name";
    }
    return failure.toString();
  }
}

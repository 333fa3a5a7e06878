package dev.echokit.cli;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Launcher;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;

import java.util.Arrays;

/**
 * The {@code vertx} command of Vert.x 4 ({@code vertx run <verticle> -conf … -instances …}), which Vert.x 5
 * keeps in {@code vertx-launcher-legacy-cli}, with EchoKit's hooks.
 */
public class VertxCli extends Launcher {

  private final String[] args;
  private JsonObject conf;

  VertxCli(String[] args) {
    this.args = args;
  }

  public static void main(String[] args) {
    new VertxCli(args).dispatch(args);
  }

  @Override
  public void afterConfigParsed(JsonObject config) {
    conf = config;
  }

  @Override
  public VertxBuilder createVertxBuilder(VertxOptions options) {
    return Launch.vertxBuilder(options, conf);
  }

  @Override
  public void afterStartingVertx(Vertx vertx) {
    Launch.exitWhenClientDone(vertx);
  }

  @Override
  public void beforeDeployingVerticle(DeploymentOptions deploymentOptions) {
    // "run <verticle> …": the verticle is the first argument after the command.
    String verticle = args.length > 1 && "run".equals(args[0]) ? args[1] : null;
    Launch.foldInstances(verticle, deploymentOptions, Launch.hasOption(Arrays.copyOfRange(args, 1, args.length),
        "instances"));
  }

  @Override
  public void afterStoppingVertx() {
    Launch.stoppedBySignal();
  }

  @Override
  public void handleDeployFailed(Vertx vertx, String mainVerticle, DeploymentOptions deploymentOptions,
                                 Throwable cause) {
    Launch.exitWith(cause);
  }
}

package dev.echokit.cli;

import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.launcher.application.HookContext;
import io.vertx.launcher.application.VertxApplication;
import io.vertx.launcher.application.VertxApplicationHooks;

/**
 * The fat jar's main class: Vert.x 5's {@link VertxApplication} ({@code -conf}, {@code -instances},
 * {@code -options}, …) with EchoKit's hooks for {@code -instances}, one-line errors and client exit codes.
 */
public class EchoKitLauncher extends VertxApplication implements VertxApplicationHooks {

  private final boolean instancesGiven;
  private JsonObject conf;

  public EchoKitLauncher(String[] args) {
    super(args);
    this.instancesGiven = Launch.hasOption(args, "instances");
  }

  public static void main(String[] args) {
    new EchoKitLauncher(args).launch();
  }

  @Override
  public JsonObject afterConfigParsed(JsonObject config) {
    conf = config;
    return config;
  }

  @Override
  public VertxBuilder createVertxBuilder(VertxOptions options) {
    return Launch.vertxBuilder(options, conf);
  }

  @Override
  public void afterVertxStarted(HookContext context) {
    Launch.exitWhenClientDone(context.vertx());
  }

  @Override
  public void beforeDeployingVerticle(HookContext context) {
    Launch.foldInstances(context.mainVerticle(), context.deploymentOptions(), instancesGiven);
  }

  @Override
  public void afterVertxStopped(HookContext context) {
    Launch.stoppedBySignal();
  }

  @Override
  public void afterFailureToDeployVerticle(HookContext context, Throwable failure) {
    Launch.exitWith(failure);
  }
}

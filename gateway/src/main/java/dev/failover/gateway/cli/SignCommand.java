package dev.failover.gateway.cli;

import dev.failover.gateway.config.CommandAction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gateway sign}: a signed command in a file (a CMS envelope), for a transport other than the CLI's. */
@Command(
        name = "sign",
        description = {
            "Sign a command into a file (a CMS envelope), for any transport.",
            "The envelope is valid for a minute; `gateway submit` submits it.",
            "A write-tag needs --arg tag=NAME and --arg value=NUMBER."
        })
final class SignCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--pair", required = true, paramLabel = "NAME", description = "the pair")
    String pair;

    @Option(
            names = "--action",
            required = true,
            paramLabel = "ACTION",
            converter = ActionConverter.class,
            completionCandidates = ActionConverter.class,
            description = "what the command does: ${COMPLETION-CANDIDATES}")
    CommandAction action;

    @Option(names = "--arg", paramLabel = "KEY=VALUE", description = "an argument of the command; repeatable")
    List<String> args = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "where to write the envelope")
    Path out;

    @Mixin
    IdentityOptions.Required identity = new IdentityOptions.Required();

    @Override
    public Integer call() throws CommandFailure {
        Map<String, Object> commandArgs = TagValues.signedArgs(action, args);
        OperatorIdentity operator = identity.load(System::getenv, Clock.systemUTC());
        try {
            Files.write(out, operator.sign(pair, action, commandArgs));
        } catch (IOException e) {
            throw CommandFailure.usage("cannot write " + out + ": " + e.getMessage());
        }
        spec.commandLine()
                .getOut()
                .println("signed " + action.wireName() + " for " + pair + " into " + out + " (valid "
                        + OperatorIdentity.VALIDITY.toSeconds() + " s)");
        return ExitCode.OK;
    }

    /** An action by its wire name ({@code write-tag}), as the envelope carries it; the names, for the help. */
    static final class ActionConverter implements CommandLine.ITypeConverter<CommandAction>, Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(CommandAction.values())
                    .map(CommandAction::wireName)
                    .iterator();
        }

        @Override
        public CommandAction convert(String name) {
            return CommandAction.fromWire(name)
                    .orElseThrow(() ->
                            new CommandLine.TypeConversionException("unknown action '" + name + "'; use " + names()));
        }

        private static String names() {
            List<String> names = Arrays.stream(CommandAction.values())
                    .map(CommandAction::wireName)
                    .toList();
            return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.getLast();
        }
    }
}

package io.servd.daemon.notify;

import java.util.Map;

/** A JVM that sends READY=1 and a STATUS= to its NOTIFY_SOCKET, then exits (for {@link NotifyWithoutJnrTest}). */
public final class NotifyProbeMain {

    private NotifyProbeMain() {
    }

    public static void main(String[] args) throws Exception {
        try (Notifier notifier = Notifier.fromEnvironment(Map.of(Notifier.NOTIFY_SOCKET, args[0]))) {
            notifier.send(NotifyMessage.READY, new NotifyMessage.Status("probe"));
            notifier.send(new NotifyMessage.Status("again"));
        }
    }
}

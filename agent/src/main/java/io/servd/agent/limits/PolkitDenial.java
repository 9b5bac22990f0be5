package io.servd.agent.limits;

import io.servd.cgroup.unit.ResourceDirective;
import java.util.List;
import java.util.Optional;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.DBus;

/**
 * Why systemd refused servd's {@code SetUnitProperties}, and what fixes it (issue 16). servd runs
 * unprivileged: systemd asks polkit about each change, and servd's polkit rule grants servd's user the
 * {@code set-property} verb. Without polkitd, or without the rule, every change is refused whoever asked
 * servd, which is the host's setup to fix, not the caller's right. See polkit(8) and systemd's
 * src/shared/bus-polkit.c.
 */
final class PolkitDenial {

    /** polkit's name on the system bus, which systemd calls for every unprivileged change. */
    static final String POLKIT_BUS_NAME = "org.freedesktop.PolicyKit1";

    /** Where the servd package installs its polkit rule (packaging/deb/pom.xml, packaging/systemd/servd.polkit.rules). */
    static final String POLKIT_RULE = "/usr/share/polkit-1/rules.d/50-servd.rules";

    /** The bus daemon's interface, got only when needed (a call can fail). */
    @FunctionalInterface
    interface BusDaemon {
        DBus get() throws DBusException;
    }

    /**
     * Whether polkit is there for systemd to ask: its name has an owner now, or the bus can start it
     * ({@code ListActivatableNames}: polkitd is bus-activated and may not have run yet). The bus, not a
     * file such as {@code /usr/lib/polkit-1/polkitd}: systemd asks polkit over the bus and reads "no such
     * service" as access denied (bus_verify_polkit_async(), src/shared/bus-polkit.c), so the bus answers
     * exactly the question systemd met, on any distribution's paths. Empty when the bus would not say.
     */
    static Optional<Boolean> polkitOnBus(BusDaemon daemon) {
        try {
            DBus dbus = daemon.get();
            return Optional.of(dbus.NameHasOwner(POLKIT_BUS_NAME)
                    || List.of(dbus.ListActivatableNames()).contains(POLKIT_BUS_NAME));
        } catch (DBusException | DBusExecutionException e) {
            return Optional.empty();
        }
    }

    /**
     * The failure to report for a denial of systemd's ({@code type}): whose permission is missing and
     * how to fix it, by what systemd answered and whether {@code polkit} is on the bus:
     * <table>
     * <caption>denials</caption>
     * <tr><th>systemd's error</th><th>polkit</th><th>means</th><th>reason</th></tr>
     * <tr><td>AccessDenied</td><td>absent</td><td>polkitd not installed: systemd lets no unprivileged
     *     service change units</td><td>{@link LimitsException.Reason#AGENT_NOT_AUTHORIZED} (503)</td></tr>
     * <tr><td>InteractiveAuthorizationRequired</td><td>any</td><td>polkit would ask for a password: no rule
     *     grants servd's user set-property ({@link #POLKIT_RULE} missing)</td><td>AGENT_NOT_AUTHORIZED (503)</td></tr>
     * <tr><td>AccessDenied</td><td>present</td><td>polkit said no: servd's rule is missing, or leaves the unit out
     *     (it protects servd.service and the units the system needs)</td><td>AGENT_NOT_AUTHORIZED (503)</td></tr>
     * <tr><td>AccessDenied</td><td>unknown</td><td>any of the above</td><td>AGENT_NOT_AUTHORIZED (503)</td></tr>
     * </table>
     * Always servd's authorisation, never the caller's: servd admitted the caller before it asked systemd,
     * and whoever asks servd gets the same answer, so none is a 403. servd cannot read the rule to tell
     * "missing" from "leaves this unit out" ({@code /usr/share/polkit-1/rules.d} is polkitd's, mode 0700 on
     * Debian), so that message names both. Each names the root alternative: {@code systemctl set-property}
     * of the same change.
     */
    static LimitsException explain(String type, DBusExecutionException e, LimitsPlan plan, Optional<Boolean> polkit) {
        String call = "SetUnitProperties [" + plan.unit() + "] " + plan.properties();
        String systemd = " ([" + type + "] " + e.getMessage() + ")";
        String asRoot = "; or run as root: " + setPropertyCommand(plan);
        if (type.equals("org.freedesktop.DBus.Error.InteractiveAuthorizationRequired")) {
            return new LimitsException(LimitsException.Reason.AGENT_NOT_AUTHORIZED, "systemd refused servd's " + call
                    + ": no polkit rule lets servd's user set unit properties" + systemd + ". Fix: install servd's rule ["
                    + POLKIT_RULE + "] (it comes with the servd package)" + asRoot, e);
        }
        if (polkit.isEmpty()) {
            return new LimitsException(LimitsException.Reason.AGENT_NOT_AUTHORIZED, "systemd refused servd's " + call
                    + systemd + ": polkitd is missing, or a polkit rule refused it (the bus did not say whether ["
                    + POLKIT_BUS_NAME + "] is there). Fix: install polkitd and servd's rule [" + POLKIT_RULE + "]" + asRoot, e);
        }
        if (!polkit.get()) {
            return new LimitsException(LimitsException.Reason.AGENT_NOT_AUTHORIZED, "systemd refused servd's " + call
                    + ": polkitd is not installed, and without it systemd lets no unprivileged service change units"
                    + systemd + ". Fix: install polkitd (apt-get install polkitd), which reads servd's rule ["
                    + POLKIT_RULE + "]" + asRoot, e);
        }
        return new LimitsException(LimitsException.Reason.AGENT_NOT_AUTHORIZED, "systemd refused servd's " + call
                + ": polkit said no" + systemd + ". servd's rule [" + POLKIT_RULE + "] is missing, or leaves this unit"
                + " out: it never lets servd change servd.service itself nor the units the system cannot do without"
                + " (-.slice, init.scope, dbus, polkit, systemd-*)" + asRoot, e);
    }

    /** {@code systemctl set-property [--runtime] UNIT Name=value...}: the same change, made as root. */
    static String setPropertyCommand(LimitsPlan plan) {
        StringBuilder command = new StringBuilder("systemctl set-property ").append(plan.runtime() ? "--runtime " : "")
                .append(plan.unit().name());
        for (ResourceDirective d : plan.directives()) {
            String assignment = d.name() + "=" + d.format();
            command.append(' ').append(assignment.contains(" ") ? "'" + assignment + "'" : assignment);
        }
        return command.toString();
    }

    private PolkitDenial() {
    }
}

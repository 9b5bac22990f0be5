package io.servd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The freshly built .deb on a clean Debian bookworm with systemd as PID 1 and no network:
 * {@code dpkg -i}, {@code systemctl start}, {@code /healthz} from the host, {@code systemctl stop}.
 * The steps run in order on one guest; a failed step leaves the later ones failing too, and
 * {@link VmExtension} copies the guest journal to {@code target/vm-logs/}.
 */
@ExtendWith(VmExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServdPackageIT {

    private static final String UNIT = "servd.service";
    /** Generous: under TCG the JVM alone takes ~2 s to start, and the host is shared. */
    private static final Duration SYSTEMCTL_TIMEOUT = Duration.ofMinutes(3);
    /** As the other package ITs: unpacking, postinst's two CDS dumps (servd.jsa, servctl.jsa) and the start. */
    private static final Duration DPKG_TIMEOUT = Duration.ofMinutes(6);

    @Test
    @Order(1)
    void installsWithDpkgOffline(Vm vm) throws IOException {
        Path deb = Path.of(VmExtension.property("servd.it.deb"));
        assertThat(deb).as("the .deb built by packaging/deb (run the reactor, not this module alone)").isRegularFile();
        String guestDeb = vm.put(deb);

        GuestResult install = vm.exec(DPKG_TIMEOUT, "dpkg", "-i", guestDeb);

        assertThat(install.exitCode()).as(install.describe()).isZero();
        assertThat(vm.exec("dpkg-query", "-W", "-f", "${Status}", "servd").orThrow().stdout())
                .isEqualTo("install ok installed");
    }

    /**
     * Type=notify makes {@code systemctl start} block until systemd accepts READY=1 from the main
     * pid (NotifyAccess=main), and only then is the unit active. So: the unit must be of that type,
     * and the very first request made after {@code start} returns, with no retry, must succeed:
     * servd sent READY only once it accepted connections. STATUS= reaching StatusText shows the
     * notify socket works from the JVM itself.
     */
    @Test
    @Order(2)
    void startReturnsOnlyOnceServdIsReady(Vm vm) throws IOException {
        // postinst starts the unit on first install: begin from a stopped unit.
        vm.exec(SYSTEMCTL_TIMEOUT, "systemctl", "stop", UNIT).orThrow();
        assertThat(show(vm, "Type", "NotifyAccess")).containsEntry("Type", "notify").containsEntry("NotifyAccess", "main");

        GuestResult startThenProbe = vm.sh("systemctl start " + UNIT
                + " && curl -sS -o /dev/null -w '%{http_code}' --max-time 10 http://127.0.0.1:9470/healthz");

        assertThat(startThenProbe.exitCode()).as(startThenProbe.describe()).isZero();
        assertThat(startThenProbe.stdout()).as("first /healthz right after start returned").isEqualTo("200");
        Map<String, String> state = show(vm, "ActiveState", "SubState", "StatusText", "MainPID");
        assertThat(state).containsEntry("ActiveState", "active").containsEntry("SubState", "running");
        assertThat(state.get("StatusText")).as("STATUS= sent by servd").contains("9470");
        // The JVM itself is the main process (no shell wrapper left alive).
        assertThat(vm.exec("readlink", "/proc/" + state.get("MainPID") + "/exe").orThrow().stdout().trim())
                .endsWith("/java");
    }

    @Test
    @Order(3)
    void healthzAnswersTheHostThroughTheForward(Vm vm) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + vm.httpPort() + "/healthz"))
                .timeout(Duration.ofSeconds(30)).GET().build();

        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as("GET /healthz, body [%s]", response.body()).isEqualTo(200);
    }

    @Test
    @Order(4)
    void stopLeavesTheUnitInactiveNotFailed(Vm vm) throws IOException {
        GuestResult stop = vm.exec(SYSTEMCTL_TIMEOUT, "systemctl", "stop", UNIT);

        assertThat(stop.exitCode()).as(stop.describe()).isZero();
        assertThat(show(vm, "ActiveState", "SubState", "Result", "ExecMainStatus"))
                .containsEntry("ActiveState", "inactive")
                .containsEntry("SubState", "dead")
                .containsEntry("Result", "success")
                .containsEntry("ExecMainStatus", "0");
    }

    @Test
    @Order(5)
    void journalHasNoErrorsFromServd(Vm vm) throws IOException {
        GuestResult errors = vm.exec("journalctl", "-b", "-u", UNIT, "-p", "err", "--no-pager", "-q");

        assertThat(errors.exitCode()).as(errors.describe()).isZero();
        assertThat(errors.stdout()).as("journalctl -u servd -p err").isBlank();
    }

    /** Leaves the shared guest as other test classes expect it: without servd. */
    @AfterAll
    static void purge(Vm vm) throws IOException {
        vm.exec(SYSTEMCTL_TIMEOUT, "dpkg", "--purge", "servd");
    }

    /** {@code systemctl show -p ...} as a map, in the order asked. */
    private static Map<String, String> show(Vm vm, String... properties) throws IOException {
        GuestResult show = vm.exec("systemctl", "show", UNIT, "-p", String.join(",", properties)).orThrow();
        Map<String, String> values = new LinkedHashMap<>();
        show.stdout().lines().filter(l -> l.contains("=")).forEach(l -> {
            int eq = l.indexOf('=');
            values.put(l.substring(0, eq), l.substring(eq + 1));
        });
        return values;
    }
}

package io.servd.agent.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.servd.cgroup.ByteSize;
import io.servd.cgroup.CgroupReader;
import io.servd.cgroup.CgroupSnapshot;
import io.servd.cgroup.CpuController;
import io.servd.cgroup.Limit;
import io.servd.cgroup.MemoryController;
import io.servd.cgroup.MemoryMax;
import io.servd.cgroup.fs.CgroupDir;
import io.servd.cgroup.unit.UnitName;
import io.servd.daemon.limits.RuntimeSizing;
import io.servd.daemon.pressure.ShedStatus;
import io.servd.agent.units.UnitCgroup;
import io.servd.agent.units.UnitJson;
import io.servd.agent.units.UnitState;
import io.servd.agent.units.UnitTree;
import io.servd.agent.http.Coalescer;
import io.servd.agent.http.QueryParams;
import io.servd.agent.http.Reply;
import io.servd.agent.http.Routes;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/** {@code GET /v1/self}, {@code GET /v1/units}, {@code GET /v1/units/{unit}} (agent/API.md). */
final class UnitsResource {
    private final AgentContext context;
    private final CgroupReader reader = new CgroupReader();
    private final Coalescer<Reply> lists;
    private final Coalescer<Reply> stateLists;

    UnitsResource(AgentContext context) {
        this.context = context;
        this.lists = new Coalescer<>(() -> listNow(false), context.readExecutor());
        this.stateLists = new Coalescer<>(() -> listNow(true), context.readExecutor());
    }

    /**
     * {@code GET /v1/units}: the cgroup tree read off the event loop, one read for all who ask at once;
     * with {@code ?fields=state} only the units' names, cgroups and systemd states, which reads no
     * cgroup file (servctl top asks this at every refresh).
     */
    CompletionStage<Reply> list(Routes.Request request) {
        Optional<String> fields;
        try {
            Map<String, List<String>> params = new QueryStringDecoder(request.http().uri()).parameters();
            QueryParams.requireKnown(params, List.of("fields"));
            fields = QueryParams.single(params, "fields");
            if (fields.isPresent() && !fields.get().equals("state")) {
                throw new IllegalArgumentException("fields [" + fields.get()
                        + "]: expected state (each unit's name, cgroup and systemd state, no limits or usage)");
            }
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(Reply.error(HttpResponseStatus.BAD_REQUEST, "bad request",
                    e.getMessage()));
        }
        return (fields.isPresent() ? stateLists : lists).next().exceptionally(UnitsResource::whenRefused);
    }

    /** {@code GET /v1/units/{unit}}: the name checked on the loop, the unit read off it. */
    CompletionStage<Reply> one(Routes.Request request) {
        Optional<UnitName> name = UnitParam.unitName(request);
        if (name.isEmpty()) {
            return CompletableFuture.completedFuture(UnitParam.invalidUnitName(request));
        }
        return off(() -> oneNow(name.get()));
    }

    /** {@code GET /v1/self}, read off the event loop. */
    CompletionStage<Reply> self(Routes.Request request) {
        return off(this::selfNow);
    }

    private CompletionStage<Reply> off(Supplier<Reply> read) {
        return off(context.readExecutor(), read);
    }

    /** {@code read} on {@code executor}, never the event loop; 503 with {@code Retry-After} when it refuses. */
    static CompletionStage<Reply> off(java.util.concurrent.Executor executor, Supplier<Reply> read) {
        try {
            return CompletableFuture.supplyAsync(read, executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(busy());
        }
    }

    /**
     * {@code failure} as the answer when the read thread refused the read (more waiting than
     * {@link AgentSetup#MAX_QUEUED_READS}): 503 with {@code Retry-After}; any other failure stays one
     * (the request handler answers it with a 500).
     */
    static Reply whenRefused(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof RejectedExecutionException) {
            return busy();
        }
        throw failure instanceof CompletionException c ? c : new CompletionException(cause);
    }

    private static Reply busy() {
        return Reply.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "busy", "too many reads waiting; retry")
                .withHeader("Retry-After", "1");
    }

    private Reply listNow(boolean statesOnly) {
        List<UnitCgroup> units;
        try {
            units = context.units().list();
        } catch (IOException e) {
            return Reply.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "cgroup tree unreadable",
                    "listing [" + context.units().root().mountPoint() + "] failed: " + e.getMessage());
        }
        SortedMap<String, UnitState> states = context.states().all();
        return Json.reply(HttpResponseStatus.OK, json -> {
            json.writeStartObject();
            json.writeStringField("root", context.units().root().mountPoint().toString());
            json.writeArrayFieldStart("units");
            // units with a cgroup in cgroup path order, then those without one (failed, stopped) by name
            Set<String> written = new HashSet<>();
            for (UnitCgroup unit : units) {
                Optional<UnitState> state = Optional.ofNullable(states.get(unit.unit()));
                if (statesOnly) {
                    UnitJson.writeUnitState(json, unit.unit(), Optional.of(unit.dir().group()), state);
                } else {
                    UnitJson.writeUnit(json, unit.unit(), Optional.of(reader.read(unit.dir())), state);
                }
                written.add(unit.unit());
            }
            for (UnitState state : states.values()) {
                if (!written.contains(state.unit())) {
                    UnitJson.writeUnit(json, state.unit(), Optional.empty(), Optional.of(state));
                }
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    private Reply oneNow(UnitName name) {
        Optional<UnitCgroup> unit;
        try {
            unit = context.units().find(name);
        } catch (IOException e) {
            return Reply.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "cgroup tree unreadable", e.getMessage());
        }
        Optional<UnitState> state = context.states().get(name.name());
        if (unit.isEmpty() && state.isEmpty()) {
            return UnitParam.unknownUnit(name);
        }
        Optional<CgroupSnapshot> snapshot = unit.map(u -> reader.read(u.dir()));
        return Json.reply(HttpResponseStatus.OK, json -> UnitJson.writeUnit(json, name.name(), snapshot, state));
    }

    private Reply selfNow() {
        if (context.self().isEmpty()) {
            return Reply.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "own cgroup unknown",
                    "cgroup discovery failed at start-up; see the log");
        }
        AgentContext.Self self = context.self().get();
        String group = self.group();
        CgroupDir dir = context.units().root().resolve(group);
        Optional<String> unitName = UnitTree.unitOf(group);
        CgroupSnapshot status = reader.read(dir);
        Optional<RuntimeSizing> sizing = context.sizing().get();
        Optional<ShedStatus> shedding = context.shedding().get();
        return Json.reply(HttpResponseStatus.OK, json -> {
            json.writeStartObject();
            if (unitName.isPresent()) {
                json.writeStringField("unit", unitName.get());
            }
            json.writeStringField("cgroup", group);
            json.writeStringField("layout", self.layout().label());
            writeUnitStates(json);
            json.writeFieldName("limits");
            UnitJson.writeLimits(json, status.limits());
            json.writeObjectFieldStart("effective");
            writeEffective(json, dir);
            json.writeEndObject();
            if (sizing.isPresent()) {
                writeRuntime(json, sizing.get(), shedding);
            }
            json.writeFieldName("usage");
            // the usage object of the unit shape, without repeating unit/cgroup/limits
            UnitJson.writeUsage(json, status.usage());
            UnitJson.writeErrors(json, status.errors());
            json.writeEndObject();
        });
    }

    /** {@code unitStates}: whether unit states come from systemd, and why not when they do not (agent/API.md). */
    private void writeUnitStates(JsonGenerator json) throws IOException {
        json.writeObjectFieldStart("unitStates");
        json.writeBooleanField("available", context.states().isAvailable());
        if (context.states().unavailabilityCause().isPresent()) {
            json.writeStringField("reason", context.states().unavailabilityCause().get());
        } else {
            json.writeNumberField("units", context.states().all().size());
        }
        json.writeEndObject();
    }

    /** {@code runtime}: what the event loops are sized for now, and whether load is shed (agent/API.md). */
    private static void writeRuntime(JsonGenerator json, RuntimeSizing sizing, Optional<ShedStatus> shedding)
            throws IOException {
        json.writeObjectFieldStart("runtime");
        json.writeNumberField("eventLoops", sizing.eventLoops());
        json.writeNumberField("eventLoopCapacity", sizing.eventLoopCapacity());
        json.writeNumberField("cpus", sizing.cpu().effectiveCpus());
        json.writeNumberField("hostCpus", sizing.cpu().hostCpus());
        if (sizing.cpu().cpuset().isPresent()) {
            json.writeStringField("cpusetCpus", sizing.cpu().cpuset().get().value().formatCgroup());
        }
        if (sizing.memory().max().isPresent()) {
            writeBytes(json, "memoryMaxBytes", sizing.memory().maxBytes());
        }
        if (sizing.memory().high().isPresent()) {
            writeBytes(json, "memoryHighBytes", sizing.memory().highBytes());
        }
        if (shedding.isPresent()) {
            ShedStatus shed = shedding.get();
            json.writeBooleanField("shedding", shed.shedding());
            if (shed.shedding()) {
                json.writeStringField("shedReason", shed.reason().orElseThrow());
                json.writeStringField("shedSince", shed.since().orElseThrow().toString());
            }
            json.writeNumberField("shedRequests", shed.shedRequests());
        }
        json.writeEndObject();
    }

    /** A limit that is there: its bytes, or "max" when unlimited. */
    private static void writeBytes(JsonGenerator json, String field, Optional<ByteSize> bytes) throws IOException {
        if (bytes.isPresent()) {
            json.writeNumberField(field, bytes.get().bytes());
        } else {
            json.writeStringField(field, "max");
        }
    }

    /** The strictest CPU and memory limits from {@code dir} up to the root, as they bind servd. */
    private static void writeEffective(JsonGenerator json, CgroupDir dir) throws IOException {
        OptionalDouble cpus = OptionalDouble.empty();
        Optional<Limit<ByteSize>> memory = Optional.empty();
        for (Optional<CgroupDir> d = Optional.of(dir); d.isPresent(); d = d.get().parent()) {
            Optional<io.servd.cgroup.CpuMax> max;
            Optional<Limit<ByteSize>> m;
            try {
                max = CpuController.of(d.get()).readMax();
                m = MemoryController.of(d.get()).readMax().map(MemoryMax::limit);
            } catch (IOException e) {
                continue; // an unreadable ancestor is listed in the unit's own errors when it matters
            }
            if (max.isPresent() && max.get().cpus().isPresent()) {
                double c = max.get().cpus().getAsDouble();
                cpus = OptionalDouble.of(cpus.isPresent() ? Math.min(cpus.getAsDouble(), c) : c);
            }
            if (m.isPresent() && (memory.isEmpty() || stricter(m.get(), memory.get()))) {
                memory = m;
            }
        }
        if (cpus.isPresent()) {
            json.writeNumberField("cpus", cpus.getAsDouble());
        }
        if (memory.isPresent()) {
            if (memory.get() instanceof Limit.AtMost<ByteSize> a) {
                json.writeNumberField("memoryMaxBytes", a.value().bytes());
            } else {
                json.writeStringField("memoryMaxBytes", "max");
            }
        }
    }

    private static boolean stricter(Limit<ByteSize> a, Limit<ByteSize> b) {
        if (a instanceof Limit.AtMost<ByteSize> x) {
            return !(b instanceof Limit.AtMost<ByteSize> y) || x.value().bytes() < y.value().bytes();
        }
        return false;
    }
}

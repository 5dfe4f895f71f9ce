import Foundation
import LLMPPCore
import LLMPPLLM
import LLMPPStore

/// Steering between units: every change is validated here, takes effect from the next
/// generation, and is saved before the call returns.
extension Engine {
    /// Sets the switch point; the outcome (clamped, refused) is also told as a notice.
    @discardableResult
    public func setSwitchPoint(_ k: Int) async -> SteeringRules.Outcome {
        let outcome = SteeringRules.switchPoint(
            k, config: config, state: state, generationInFlight: stepping && state.phase == .search)
        emit(.notice(outcome.message))
        guard let v = outcome.value, v != config.switchAt else { return outcome }
        // Between units only: a generation being scored by the expensive evaluator has crossed it.
        if !stepping, SteeringRules.unreachesSwitch(movingTo: v, state: state) {
            state.switchReachedAt = nil
            await persist()
        }
        config.switchAt = v
        await settingsChanged()
        return outcome
    }

    /// Moves the switch point relative to where it is now: rapid presses compose (> > > is +3)
    /// however the UI's copy of the configuration lags.
    @discardableResult
    public func moveSwitch(by delta: Int) async -> SteeringRules.Outcome {
        await setSwitchPoint(config.switchAt + delta)
    }

    public func setConstraint(_ c: RunConfig.Constraint) async {
        config.constraint = c
        await settingsChanged()
    }

    /// Tightens or loosens the constraint by 5% of its current value: like `moveSwitch(by:)`,
    /// relative, so that rapid presses compose (the explorer used to send an absolute value
    /// computed from its lagging copy of the configuration, and presses were lost). The new
    /// constraint is also told as a notice.
    public func scaleConstraint(tighter: Bool) async {
        let outcome = SteeringRules.scaledConstraint(config.constraint, tighter: tighter, state: state)
        emit(.notice(outcome.message))
        guard let c = outcome.constraint else { return }
        await setConstraint(c)
    }
    /// Doubles or halves the pace relative to the engine's own (`SteeringRules.scaledPace`); the
    /// new pace is also told as a notice.
    public func scalePace(faster: Bool) async {
        let outcome = SteeringRules.scaledPace(config.pace, faster: faster, state: state)
        emit(.notice(outcome.message))
        guard let p = outcome.pace else { return }
        await setPace(p)
    }

    public func setPace(_ p: Double?) async {
        config.pace = p.flatMap { $0 > 0 && $0.isFinite ? $0 : nil }
        await settingsChanged()
    }
    public func setMutationProbability(_ p: Double) async {
        config.evolution.mutationProbability = max(0, min(1, p))
        await settingsChanged()
    }

    public func setPopulation(_ n: Int) async {
        let iters = config.evolution.iterations
        let p = config.evolution.mutationProbability
        var e = EvolutionConfig.scaled(population: max(5, n), iterations: iters)
        e.mutationProbability = p
        config.evolution = e
        await settingsChanged()
    }

    /// Saved before returning, so that a quit right after steering keeps the change.
    func settingsChanged() async {
        emit(.settingsChanged(config))
        // A finished run's record is what ran: a setting changed after the end is for the next
        // `r` only (a `>` pressed after the end rewrote the saved switch point, and `--resume`
        // then reported a switch the run never had).
        guard !state.finished else { return }
        do { try await runs.updateConfig(id: runID, config: Self.encode(config)) } catch {
            emit(.error("cannot save the settings: \(error)"))
        }
    }

    public func pin(_ arch: Architecture) {
        let id = space.id(arch)
        guard !state.pinned.contains(where: { space.id($0) == id }) else { return }
        state.pinned.append(arch)
        state.banned.removeAll { $0 == id }
        publish()
    }

    public func unpin(_ id: String) {
        state.pinned.removeAll { space.id($0) == id }
        publish()
    }

    public func ban(_ id: String) {
        guard !state.banned.contains(id) else { return }
        state.banned.append(id)
        state.pinned.removeAll { space.id($0) == id }
        publish()
    }

    /// Adds an architecture to the next population built; one that breaks the constraint is
    /// refused (an 80 ms cell under a 19 ms constraint used to get in and become "best").
    public func inject(_ arch: Architecture) throws {
        if let p = space.shape.validityProblem(arch) {
            throw EngineError.refused("not an architecture of \(space.id): \(p)")
        }
        if let v = ConstraintViolation.check([arch], constraint: config.constraint, space: space, latency: latency)[0] {
            throw EngineError.refused("\(space.id(arch)) is not injected: \(v)")
        }
        // A banned architecture was said to join the next population, which then dropped it.
        if state.banned.contains(space.id(arch)) {
            throw EngineError.refused("\(space.id(arch)) is not injected: it is banned in this run")
        }
        state.injected.append(arch)
        publish()
    }
}

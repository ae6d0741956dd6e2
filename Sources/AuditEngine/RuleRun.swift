import Catalog
import Diagnostics
import RuleLanguage
import RuleSet
import Schema
import SnapshotLoader

/// An evaluation error and the part of the rule where it happened.
private struct PartError: Error {
    var error: EvalError
    var part: RulePart
}

/// One rule evaluated over every subject of its scope.
struct RuleRun {
    /// What is evaluated for each subject, as plain slots and closures. (A class, so that taking it out of
    /// the run copies one reference.)
    private final class SubjectPlan: Sendable {
        let it: Int
        let institution: Int?
        /// `when`, tested before `each` is computed (when it does not name the element) …
        let whenFirst: (@Sendable (inout EvalFrame) throws -> Bool)?
        /// … or for each element.
        let whenPerElement: (@Sendable (inout EvalFrame) throws -> Bool)?
        let each: Evaluator?
        let eachSlot: Int?
        /// The field tests on the institution that `when` starts with (see `LeadingTests`), applied once per institution
        /// for a rule on persons or events: when one fails, `when` fails for every person on the roster, every event.
        let institutionTests: FieldGuard?
        /// Computes the named values (`let`) into their slots, in order, then whether `require` holds: one closure,
        /// each step calling the next one it holds (calling them from a list cost a retain and a release each).
        let holds: @Sendable (inout EvalFrame) throws -> Bool

        init(_ rule: Rule) {
            it = rule.bindings.it
            institution = rule.bindings.institution
            let when = rule.when?.condition
            let leading = rule.whenReadsEach ? nil : rule.when?.leadingTests
            let onInstitution = rule.bindings.institution.flatMap { leading?.tests(on: $0) } ?? []
            institutionTests = FieldGuard(onInstitution)
            // A condition that is nothing but these tests needs no call once they hold.
            let covered = leading.map { $0.coversAll && $0.tests.count == onInstitution.count } ?? false
            whenFirst = rule.whenReadsEach || covered ? nil : when
            whenPerElement = rule.whenReadsEach ? when : nil
            each = rule.each?.evaluate
            eachSlot = rule.bindings.each
            var holds = rule.require.condition
            // A named value that cannot be computed says which it is (`require` is known to be the rest).
            for (index, binding) in rule.bindings.lets.enumerated().reversed() {
                let (slot, value, then) = (binding.slot, binding.value.evaluate, holds)
                holds = { frame in
                    do {
                        frame.slots[slot] = try value(&frame)
                    } catch let error as EvalError {
                        throw PartError(error: error, part: .value(index))
                    }
                    return try then(&frame)
                }
            }
            self.holds = holds
        }
    }

    let rule: Rule
    private(set) var data: SnapshotData
    let citations: [CitationSpec]
    let catalog: RegulationCatalog
    var frame: EvalFrame
    /// The compiled parts evaluated for each subject, taken out of the rule once.
    private let plan: SubjectPlan
    private(set) var findings: [Finding] = []
    /// Whether an `institution(…)` look-up found nothing (see `EvalFrame.lookupMissed`).
    var lookupMissed: Bool { frame.lookupMissed }
    private(set) var failures: [EvaluationFailure] = []
    /// Steps the rule may take on the subjects of one institution together (its persons or events), or on the
    /// coordination bodies together: a hundred evaluations' worth. Each evaluation stops at the frame's own limit, but a
    /// rule that reaches it on every one of three thousand persons would still run for minutes.
    let groupStepLimit: Int
    /// The `when` of each local rule this one yields to (`Rule.yieldsTo`), each with a frame of its own.
    private var yields: [Yield]

    private struct Yield {
        let condition: @Sendable (inout EvalFrame) throws -> Bool
        let it: Int
        let institution: Int?
        var frame: EvalFrame
    }
    /// The citations as reported, resolved at the first finding: all but a 三定 citation read the same for every subject.
    private var resolvedCitations: [ResolvedCitation?]
    /// The citations of the last finding: the next finding with the same ones shares the array (one per finding was
    /// about 0.4 KB, a fifth of what a large audit's findings take).
    private var lastCitations: [ResolvedCitation] = []

    /// How many evaluations' steps the subjects of one institution may take together (see `groupStepLimit`).
    static let evaluationsPerGroup = 100
    private static let institutionID = SnapshotSchema.institution.requiredSlot("id")
    private static let institutionName = SnapshotSchema.institution.requiredSlot("name")
    /// The slots of an institution's roster and events (also read to weigh institutions, see `AuditEngine.weight`).
    static let staff = SnapshotSchema.institution.requiredSlot("staff")
    static let events = SnapshotSchema.institution.requiredSlot("events")
    private static let personID = SnapshotSchema.person.requiredSlot("id")
    private static let eventType = SnapshotSchema.event.requiredSlot("type")
    private static let eventDate = SnapshotSchema.event.requiredSlot("date")
    private static let bodyID = SnapshotSchema.coordinationBody.requiredSlot("id")
    private static let bodyName = SnapshotSchema.coordinationBody.requiredSlot("name")
    private static let regionCode = SnapshotSchema.region.requiredSlot("code")
    private static let regionName = SnapshotSchema.region.requiredSlot("name")

    init(rule: Rule, data: SnapshotData, citations: [CitationSpec], catalog: RegulationCatalog, stepLimit: Int) {
        self.rule = rule
        self.data = data
        self.citations = citations
        self.catalog = catalog
        frame = EvalFrame(slotCount: rule.slotCount, stepLimit: stepLimit, context: data.context)
        yields = rule.yieldsTo.compactMap { local in
            guard let condition = local.when?.condition else { return nil }
            var frame = EvalFrame(slotCount: local.slotCount, stepLimit: stepLimit, context: data.context)
            RuleRun.bindSnapshot(data, bindings: local.bindings, in: &frame)
            return Yield(condition: condition, it: local.bindings.it, institution: local.bindings.institution, frame: frame)
        }
        let (group, overflow) = stepLimit.multipliedReportingOverflow(by: RuleRun.evaluationsPerGroup)
        groupStepLimit = overflow ? Int.max : group
        plan = SubjectPlan(rule)
        resolvedCitations = Array(repeating: nil, count: citations.count)
        RuleRun.bindSnapshot(data, bindings: rule.bindings, in: &frame)
    }

    /// Puts what every evaluation reads of the snapshot (the region, its date, the lists of all subjects) in its slots.
    private static func bindSnapshot(_ data: SnapshotData, bindings: RuleBindings, in frame: inout EvalFrame) {
        frame.slots[bindings.region] = .record(data.snapshot.region)
        frame.slots[bindings.asOf] = .date(data.snapshot.asOf)
        frame.slots[bindings.institutions] = .list(data.institutions)
        frame.slots[bindings.coordinationBodies] = .list(data.bodies)
        frame.slots[bindings.roster] = .list(data.roster)
    }

    /// Whether a local rule this one yields to applies to the subject at `subject` (an error in its `when` counts as
    /// applying: the local rule reports it, and the subject is not judged twice).
    private mutating func yieldsHere(_ subject: UnsafePointer<Value>) -> Bool {
        for index in yields.indices {
            yields[index].frame.bind(yields[index].it, to: subject)
            yields[index].frame.steps = 0
            let holds = (try? yields[index].condition(&yields[index].frame)) ?? true
            yields[index].frame.bind(yields[index].it, to: nil)
            if holds { return true }
        }
        return false
    }

    mutating func evaluateAll() {
        switch rule.scope {
        case .region:
            let region = Value.record(data.snapshot.region)
            withUnsafePointer(to: region) { evaluate(subjects: $0, count: 1) }
        case .institution, .person, .event:
            data.institutions.withUnsafeBufferPointer { institutions in
                guard let base = institutions.baseAddress else { return }
                for offset in institutions.indices { evaluate(institution: base + offset) }
            }
        case .coordinationBody:
            data.bodies.withUnsafeBufferPointer { bodies in
                guard let base = bodies.baseAddress else { return }
                evaluate(subjects: base, count: bodies.count)
            }
        }
    }

    /// The same rule on the same snapshot with look-ups answered by `data` (which differs only in its context: a
    /// streamed audit's next file), what was found so far handed back and let go. The compiled plan, the frame and the
    /// citations resolved so far are kept: making them again for each of ten thousand files cost more than the rule.
    mutating func restart(answeringWith data: SnapshotData) -> (findings: [Finding], failures: [EvaluationFailure]) {
        let found = (findings, failures)
        findings = []
        failures = []
        self.data = data
        frame.answer(with: data.context)
        for index in yields.indices { yields[index].frame.answer(with: data.context) }
        return found
    }

    /// Lets go of what the frame keeps of the institutions evaluated so far (see `EvalFrame.forgetLists`).
    mutating func forgetLists() {
        frame.forgetLists()
        for index in yields.indices { yields[index].frame.forgetLists() }
    }

    /// Evaluates an institution-, person- or event-scope rule on one institution: the institution itself,
    /// each person on its roster or each of its events. (Nothing for rules of other scopes.) The institution
    /// must stay where it is while the call runs: the rule reads it, and its roster, in place.
    mutating func evaluate(institution: UnsafePointer<Value>) {
        switch rule.scope {
        case .institution:
            evaluate(subjects: institution, count: 1)
        case .person, .event:
            guard case .record(let record) = institution.pointee,
                  case .list(let subjects) = record[rule.scope == .person ? RuleRun.staff : RuleRun.events], !subjects.isEmpty else { return }
            if let element = plan.institution { frame.bind(element, to: institution) }
            // `when` fails for every subject of an institution that fails one of these.
            if let tests = plan.institutionTests, !tests.holds(in: frame) {
                if let element = plan.institution { frame.bind(element, to: nil) }
                return
            }
            for index in yields.indices { if let element = yields[index].institution { yields[index].frame.bind(element, to: institution) } }
            subjects.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                evaluate(subjects: base, count: buffer.count)
            }
            if let element = plan.institution { frame.bind(element, to: nil) }
            for index in yields.indices { if let element = yields[index].institution { yields[index].frame.bind(element, to: nil) } }
        case .region, .coordinationBody:
            break
        }
    }

    /// Evaluates the rule on `count` subjects from `base`, each bound in place as `it`. What is reported about a
    /// subject (a `Subject`, with its names and ids as strings; its institution; its place in the snapshot) is read
    /// from the frame only for a finding or a failure.
    private mutating func evaluate(subjects base: UnsafePointer<Value>, count: Int) {
        // The plan's closures are taken out once for all the subjects and passed down as arguments: they are then
        // called without reference counting, which loading them from the plan (a class) cost at each call.
        let plan = plan
        let steps = SubjectSteps(plan)
        var spent = 0
        for offset in 0..<count {
            // A subject a local rule this one yields to applies to is that rule's.
            if !yields.isEmpty, yieldsHere(base + offset) { continue }
            frame.bind(plan.it, to: base + offset)
            let failed = failures.count
            evaluate(steps, eachSlot: plan.eachSlot)
            // `frame.steps` holds what this subject took (each evaluation starts it at zero).
            spent &+= frame.steps
            // A subject that reached the limit of one evaluation: the rule is too costly for these data, and the others
            // would most likely reach it too (each taking seconds). Said once, on that subject's failure.
            if frame.steps > frame.stepLimit, failures.count == failed + 1, offset + 1 < count {
                failures[failed].message += "；本机构其余 \(count - offset - 1) 个对象不再计算"
                break
            }
            if spent > groupStepLimit, offset + 1 < count {
                // The rest are not evaluated: reported once, on the first of them, so that the audit is not complete
                // in appearance (a failure makes the run's result an error).
                frame.bind(plan.it, to: base + offset + 1)
                let subject = currentSubject()
                let place = subject.institution.map { "机构 \($0) 的" } ?? ""
                failures.append(EvaluationFailure(
                    ruleID: rule.id, subject: subject,
                    message: "规则在\(place)前 \(offset + 1) 个对象上累计计算超过 \(groupStepLimit) 步，从这一个起其余 \(count - offset - 1) 个未计算（规则可能对大名册做了嵌套遍历）",
                    ruleLocation: rule.location))
                break
            }
        }
        frame.bind(plan.it, to: nil)
    }

    /// The closures of a `SubjectPlan`, as a value passed to the evaluation of each subject. A missing `when` is a
    /// condition that always holds: a closure called from an optional is copied (retained and released) first.
    private struct SubjectSteps {
        let whenFirst: @Sendable (inout EvalFrame) throws -> Bool
        let whenPerElement: @Sendable (inout EvalFrame) throws -> Bool
        let each: Evaluator?
        let holds: @Sendable (inout EvalFrame) throws -> Bool

        // Not with `??`: a generic function would wrap the closures in conversion thunks, one more call each time.
        init(_ plan: SubjectPlan) {
            let always: @Sendable (inout EvalFrame) throws -> Bool = { _ in true }
            if let when = plan.whenFirst { whenFirst = when } else { whenFirst = always }
            if let when = plan.whenPerElement { whenPerElement = when } else { whenPerElement = always }
            each = plan.each
            holds = plan.holds
        }
    }

    private mutating func evaluate(_ steps: borrowing SubjectSteps, eachSlot: Int?) {
        frame.steps = 0
        // The part being evaluated, for a failure to say where it stopped (the named values say so themselves).
        var part = RulePart.when
        do {
            if try !steps.whenFirst(&frame) { return }
            if let each = steps.each, let slot = eachSlot {
                part = .each
                guard case .list(let items) = try each(&frame), !items.isEmpty else { return }
                for item in items {
                    frame.slots[slot] = item
                    part = .when
                    if try !steps.whenPerElement(&frame) { continue }
                    part = .require
                    try evaluateOne(steps.holds, element: item, part: &part)
                }
            } else {
                if try !steps.whenPerElement(&frame) { return }
                part = .require
                try evaluateOne(steps.holds, element: nil, part: &part)
            }
        } catch let error as PartError {
            fail(error.error.message, in: error.part)
        } catch let error as EvalError {
            fail(error.message, in: part)
        } catch {
            fail("\(error)", in: part)
        }
    }

    /// Records that the subject's evaluation stopped in `part`, pointing at where that part is written.
    private mutating func fail(_ message: String, in part: RulePart) {
        let name = switch part {
        case .when: "when"
        case .each: "each"
        case .require: "require"
        case .key: "key"
        case .message: "message"
        case .value(let index): rule.bindings.lets.indices.contains(index) ? "let '\(rule.bindings.lets[index].name)'" : "let"
        }
        failures.append(EvaluationFailure(ruleID: rule.id, subject: currentSubject(), message: "计算 \(name) 时：\(message)",
                                          ruleLocation: rule.source.locations[part] ?? rule.location))
    }

    /// The record being evaluated (`it`).
    private var currentRecord: Record? { frame.boundValue(rule.bindings.it)?.recordValue }

    /// The institution the subject belongs to (itself for an institution rule; nil for a region or a coordination body).
    private var currentInstitution: Record? {
        switch rule.scope {
        case .institution: currentRecord
        case .person, .event: rule.bindings.institution.flatMap { frame.boundValue($0)?.recordValue }
        case .region, .coordinationBody: nil
        }
    }

    /// The subject being evaluated, as reported.
    private func currentSubject() -> Subject {
        let record = currentRecord ?? Record(values: [], marks: [], mark: .none)
        func text(_ slot: Int) -> String? { slot < record.count ? record[slot].stringValue : nil }
        switch rule.scope {
        case .region:
            return Subject(kind: .region, id: text(RuleRun.regionCode) ?? "", name: text(RuleRun.regionName), institution: nil)
        case .coordinationBody:
            return Subject(kind: .coordinationBody, id: text(RuleRun.bodyID) ?? "", name: text(RuleRun.bodyName), institution: nil)
        case .institution:
            return Subject(kind: .institution, id: text(RuleRun.institutionID) ?? "", name: text(RuleRun.institutionName), institution: nil)
        case .person:
            let institution = currentInstitution
            return Subject(kind: .person, id: text(RuleRun.personID) ?? "", name: nil,
                           institution: institution?[RuleRun.institutionID].stringValue,
                           institutionName: institution?[RuleRun.institutionName].stringValue)
        case .event:
            let institution = currentInstitution
            let institutionID = institution?[RuleRun.institutionID].stringValue ?? ""
            let type = record.count == 0 ? nil : record[RuleRun.eventType].enumIndex.map { SnapshotSchema.eventType.cases[$0].name }
            let date = record.count == 0 ? "" : record[RuleRun.eventDate].dateValue?.description ?? ""
            return Subject(kind: .event, id: "\(institutionID)/\(type ?? "event")/\(date)",
                           name: institution?[RuleRun.institutionName].stringValue, institution: institutionID,
                           institutionName: institution?[RuleRun.institutionName].stringValue)
        }
    }

    private mutating func evaluateOne(_ holds: @Sendable (inout EvalFrame) throws -> Bool, element: Value?, part: inout RulePart) throws {
        guard try !holds(&frame) else { return }
        try report(element: element, part: &part)
    }

    /// Records a finding for the subject (and element) being evaluated, whose `require` has failed.
    private mutating func report(element: Value?, part: inout RulePart) throws {
        let key = rule.key ?? rule.each
        part = .message
        let message = try rule.message.render(&frame)
        let subject = currentSubject()
        let institution = currentInstitution
        let mark = currentRecord?.mark ?? .none
        var keyText: String?
        if let key, element != nil {
            part = .key
            let keyValue = rule.key != nil ? try key.evaluate(&frame) : element ?? .null
            let keyType = rule.key?.type ?? rule.each?.type.elementType ?? .string
            keyText = ValueFormatting.text(keyValue, type: keyType)
        }
        var evidence: [(name: String, value: OrderedJSON, shown: String?)] = []
        evidence.reserveCapacity(rule.bindings.lets.count + 1)
        if let name = rule.eachName, let element, let type = rule.each?.type.elementType {
            evidence.append((name, ValueFormatting.json(element, type: type), ValueFormatting.shown(element, type: type)))
        }
        for binding in rule.bindings.lets {
            let value = frame.slots[binding.slot]
            evidence.append((binding.name, ValueFormatting.json(value, type: binding.type), ValueFormatting.shown(value, type: binding.type)))
        }
        var resolved: [ResolvedCitation] = []
        resolved.reserveCapacity(citations.count)
        for (index, citation) in citations.enumerated() {
            if let known = resolvedCitations[index] {
                resolved.append(known)
                continue
            }
            let resolution = resolve(citation, institution: institution)
            if case .sanding = citation.target {} else { resolvedCitations[index] = resolution }
            resolved.append(resolution)
        }
        if resolved == lastCitations { resolved = lastCitations } else { lastCitations = resolved }
        var finding = Finding(ruleID: rule.id, title: rule.title, severity: rule.severity, status: .violation, subject: subject,
                              key: keyText, message: message, citations: resolved, evidence: evidence,
                              location: data.snapshot.file(of: mark).map { SourceLocation(path: $0, line: Int(mark.line), column: Int(mark.column)) },
                              exemption: nil,
                              fingerprint: Fingerprint.of([rule.id, subject.kind.rawValue, subject.institution ?? "", subject.id, keyText ?? ""]))
        data.exemptions.apply(to: &finding, rule: rule, citations: citations)
        findings.append(finding)
    }

    // MARK: Citations

    func resolve(_ citation: CitationSpec, institution: Record?) -> ResolvedCitation {
        switch citation.target {
        case .catalog(let reference):
            let source = reference.source
            let regulation = reference.version.flatMap { catalog.regulation(key: source, version: $0) }
                ?? catalog.version(of: source, on: data.snapshot.asOf) ?? catalog.latest(key: source)
            let title = regulation?.title ?? source
            let text = regulation.map { CitationText(reference, in: $0).description } ?? "《\(title)》"
            let verified = regulation?.article(reference.article ?? reference.part ?? 0)?.verified ?? false
            return ResolvedCitation(source: source, title: title, documentNumber: regulation?.documentNumber, article: reference.article,
                                    part: reference.part, paragraph: reference.paragraph, item: reference.item,
                                    version: catalog.regulations(key: source).count > 1 ? regulation?.version : nil,
                                    text: verified ? text : text + "（待核）", verified: verified)
        case .sanding(let part):
            let approved = institution?[SnapshotSchema.institution.requiredSlot("approved")].recordValue
            let name = institution?[RuleRun.institutionName].stringValue ?? ""
            var title = approved?[SnapshotSchema.approved.requiredSlot("document")].stringValue ?? "\(name)职能配置、内设机构和人员编制规定"
            title = title.trimmingPrefix("《").description
            if title.hasSuffix("》") { title.removeLast() }
            let documentNumber = approved?[SnapshotSchema.approved.requiredSlot("document_number")].stringValue
            let articles = approved?[SnapshotSchema.approved.requiredSlot("articles")].recordValue
            let defaults = ["functions": 3, "internal_units": 4, "staffing": 5]
            let number = articles?[SnapshotSchema.articles.requiredSlot(part)].intValue ?? defaults[part] ?? 1
            let text = "《\(title)》" + (documentNumber.map { "（\($0)）" } ?? "") + "第\(ChineseNumeral.format(number))条"
            return ResolvedCitation(source: "sanding", title: title, documentNumber: documentNumber, article: number, part: nil,
                                    paragraph: nil, item: nil, version: nil, text: text, verified: true)
        case .regionLimits:
            let limits = data.snapshot.region[SnapshotSchema.region.requiredSlot("limits")].recordValue
            let documentNumber = limits?[SnapshotSchema.limits.requiredSlot("document_number")].stringValue
            let text = "地区机构编制限额的核定文件" + (documentNumber.map { "（\($0)）" } ?? "（快照未填写文号）")
            return ResolvedCitation(source: "region_limits", title: "地区机构编制限额的核定文件", documentNumber: documentNumber, article: nil,
                                    part: nil, paragraph: nil, item: nil, version: nil, text: text, verified: true)
        }
    }
}

/**
 * The dependency graph CloudFormation derives from a template: an edge A → B when A names B in
 * `DependsOn`, or refers to it (`Ref`, `Fn::GetAtt`, `Fn::Sub` `${B}` / `${B.Attr}`) anywhere in its
 * properties. CloudFormation creates B before A and deletes A before B; a resource waits for
 * everything it reaches through these edges.
 */

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: unknown;
  readonly DependsOn?: string | string[];
}

export interface Template {
  readonly Resources: Record<string, TemplateResource>;
}

export interface DependencyGraph {
  /** Resources named in properties (Ref / GetAtt / Sub), per resource. */
  readonly references: Map<string, Set<string>>;
  /** DependsOn entries, per resource. */
  readonly dependsOn: Map<string, Set<string>>;
}

/** Logical ids a value refers to. */
export function referencesIn(value: unknown, resources: Record<string, unknown>, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) referencesIn(v, resources, into);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k === 'Ref' && typeof v === 'string' && v in resources) {into.add(v);} else if (k === 'Fn::GetAtt') {
        const target = Array.isArray(v) ? v[0] : typeof v === 'string' ? v.split('.')[0] : undefined;
        if (typeof target === 'string' && target in resources) into.add(target);
        else referencesIn(v, resources, into);
      } else if (k === 'Fn::Sub') {
        const [text, vars] = Array.isArray(v) ? v as [unknown, Record<string, unknown> | undefined] : [v, undefined];
        if (typeof text === 'string') {
          for (const m of text.matchAll(/\$\{([A-Za-z0-9]+)(\.[A-Za-z0-9.]+)?\}/g)) {
            if (m[1] in resources && !(vars && m[1] in vars)) into.add(m[1]);
          }
        }
        if (vars) referencesIn(vars, resources, into);
      } else {
        referencesIn(v, resources, into);
      }
    }
  }
  return into;
}

export function dependencyGraph(template: Template): DependencyGraph {
  const references = new Map<string, Set<string>>();
  const dependsOn = new Map<string, Set<string>>();
  for (const [id, r] of Object.entries(template.Resources)) {
    references.set(id, referencesIn(r.Properties, template.Resources));
    dependsOn.set(id, new Set(r.DependsOn === undefined ? [] : ([] as string[]).concat(r.DependsOn)));
  }
  return { references, dependsOn };
}

/** Everything `from` waits for (its own id excluded), following both kinds of edge. */
export function waitsFor(graph: DependencyGraph, from: string): Set<string> {
  const seen = new Set<string>();
  const todo = [from];
  while (todo.length) {
    const id = todo.pop()!;
    for (const next of [...(graph.references.get(id) ?? []), ...(graph.dependsOn.get(id) ?? [])]) {
      if (!seen.has(next)) {
        seen.add(next);
        todo.push(next);
      }
    }
  }
  seen.delete(from);
  return seen;
}

export interface FalseDependency {
  /** The custom resource. */
  readonly resource: string;
  /** What it waits for without using it. */
  readonly waitsFor: string;
  readonly type: string;
}

/**
 * For every custom resource: what it waits for that it neither uses nor was told to wait for.
 *
 * A custom resource uses what its properties refer to, and what those refer to in turn; it is told
 * to wait for what its `DependsOn` names outside IAM (e.g. a job on the data it reads), and what
 * that waits for. Its provider's own resources (functions, roles, the framework's waiter) and the
 * IAM policies that grant its handler what this resource needs are allowed, but not what those
 * policies refer to beyond the resource's own uses: a policy shared with another resource, or a
 * handler function that waits for the whole role, would make it wait for unrelated resources
 * (e.g. the Studio domain). `isProvider(id)` tells the provider's resources apart.
 */
export function falseDependencies(template: Template, isProvider: (id: string) => boolean): FalseDependency[] {
  const graph = dependencyGraph(template);
  const isCustom = (type: string) => type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
  const isIam = (type: string) => type.startsWith('AWS::IAM::');
  const out: FalseDependency[] = [];
  for (const [id, r] of Object.entries(template.Resources)) {
    if (!isCustom(r.Type)) continue;
    const allowed = new Set<string>();
    const allow = (root: string) => {
      allowed.add(root);
      for (const w of waitsFor(graph, root)) allowed.add(w);
    };
    for (const ref of graph.references.get(id) ?? []) if (!isProvider(ref)) allow(ref);
    for (const dep of graph.dependsOn.get(id) ?? []) {
      const type = template.Resources[dep]?.Type ?? '';
      if (!isIam(type) && !isProvider(dep)) allow(dep);
    }
    for (const w of waitsFor(graph, id)) {
      if (allowed.has(w) || isProvider(w)) continue;
      const type = template.Resources[w].Type;
      // The policies granting this resource's handler what it needs (its DependsOn): allowed
      // themselves; what they refer to must be among the resource's uses (checked through `w`'s
      // own references, which are in the walk).
      if (isIam(type) && graph.dependsOn.get(id)?.has(w)) continue;
      out.push({ resource: id, waitsFor: w, type });
    }
  }
  return out;
}

/**
 * Typical create times (seconds) of the resource types the sample deploys, for estimates of a
 * deployment's critical path: observed orders of magnitude, not guarantees. A deploy-time training
 * job is taken as 300 s (the sample's job trains in about 5 minutes).
 */
export const TYPICAL_CREATE_SECONDS: Record<string, number> = {
  'AWS::SageMaker::Domain': 360,
  'AWS::SageMaker::Endpoint': 480,
  'Custom::SageMakerTrainingJob': 300,
  'Custom::SageMakerTuningJob': 900,
  'AWS::EC2::VPCEndpoint': 120,
  'AWS::KMS::Key': 60,
  'AWS::SageMaker::Space': 60,
  'AWS::SageMaker::UserProfile': 30,
  'AWS::ApplicationAutoScaling::ScalableTarget': 30,
  'AWS::SageMaker::MonitoringSchedule': 30,
  'AWS::S3::Bucket': 25,
  'AWS::EC2::VPC': 20,
  'AWS::IAM::Role': 20,
  'AWS::IAM::ManagedPolicy': 15,
  'AWS::IAM::Policy': 15,
  'AWS::Lambda::Function': 15,
  'Custom::SageMakerDataSeed': 15,
  'Custom::StudioDomainCleanup': 10,
  'AWS::SageMaker::Model': 10,
  'AWS::SageMaker::Pipeline': 10,
  'AWS::SageMaker::ModelPackageGroup': 10,
  'AWS::StepFunctions::StateMachine': 10,
  'AWS::SNS::Topic': 10,
  'AWS::EC2::Subnet': 10,
  'AWS::EC2::SecurityGroup': 10,
  'AWS::SageMaker::EndpointConfig': 5,
  'AWS::Logs::LogGroup': 5,
  'AWS::CloudWatch::Alarm': 5,
};
const DEFAULT_CREATE_SECONDS = 5;

/**
 * The longest chain of creates CloudFormation must run one after another (it creates everything
 * else in parallel): the estimated duration of a first deployment, and that chain.
 */
export function criticalPath(template: Template, seconds: (type: string) => number = (t) => TYPICAL_CREATE_SECONDS[t] ?? DEFAULT_CREATE_SECONDS): { seconds: number; path: string[] } {
  const graph = dependencyGraph(template);
  const finish = new Map<string, { at: number; via?: string }>();
  const visit = (id: string, stack: Set<string>): number => {
    const known = finish.get(id);
    if (known) return known.at;
    if (stack.has(id)) throw new Error(`dependency cycle through ${id}`);
    stack.add(id);
    let start = 0;
    let via: string | undefined;
    for (const dep of new Set([...(graph.references.get(id) ?? []), ...(graph.dependsOn.get(id) ?? [])])) {
      const at = visit(dep, stack);
      if (at > start) {
        start = at;
        via = dep;
      }
    }
    stack.delete(id);
    const at = start + seconds(template.Resources[id].Type);
    finish.set(id, { at, via });
    return at;
  };
  let last: string | undefined;
  let longest = 0;
  for (const id of Object.keys(template.Resources)) {
    const at = visit(id, new Set());
    if (at > longest) {
      longest = at;
      last = id;
    }
  }
  const path: string[] = [];
  for (let id = last; id; id = finish.get(id)?.via) path.unshift(id);
  return { seconds: longest, path };
}

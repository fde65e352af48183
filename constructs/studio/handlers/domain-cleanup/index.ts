/**
 * The Studio teardown (custom-resources.Provider framework: onEvent + isComplete).
 *
 * `Custom::StudioDomainCleanup` (what StudioDomain deploys, with `DeleteDomain: 'true'`) depends on the
 * domain, its user profiles and spaces, so CloudFormation deletes it first. On Delete with Mode DESTROY
 * it deletes every app, then every space, then every user profile (the stack's too), then the domain
 * itself with its home EFS (`RetentionPolicy: Delete`); it waits for the domain to be gone, then
 * removes what SageMaker leaves behind: remaining EFS mount targets and the file system, and the two
 * NFS security groups SageMaker created in the VPC. CloudFormation then finds the domain gone, which
 * its delete handler treats as success. With Mode RETAIN it deletes nothing.
 *
 * It is a state machine driven by the Provider's isComplete polls: every poll re-reads the state from
 * the AWS APIs, requests the next deletions and reports incomplete until nothing is left. Nothing here
 * sleeps to wait for a deletion; the only sleeps are the short backoffs between throttled retries.
 * Every poll has a deadline (POLL_BUDGET_MS, or the Lambda's remaining time less POLL_RESERVE_MS when
 * the context is passed): once it has passed, the poll stops and reports incomplete, so a poll never
 * ends in a Lambda timeout (which CloudFormation would get as FAILED). Throttling past the retries and
 * transient errors (5xx, timeouts, connection resets) also report incomplete; the next poll carries on.
 * A Failed app whose DeleteApp SageMaker refuses (ValidationException) is logged, with the refusal,
 * and left behind rather than retried until CloudFormation's timeout.
 *
 * Bundled at build time by esbuild with `@aws-sdk/*` external (the Node.js 24 Lambda runtime provides
 * the SDK), through the provider's dispatcher.
 */
import {
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  DescribeSecurityGroupsCommandOutput,
  EC2Client,
  Filter,
  IpPermission,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  SecurityGroup,
} from '@aws-sdk/client-ec2';
import {
  DeleteFileSystemCommand,
  DeleteMountTargetCommand,
  DescribeFileSystemsCommand,
  DescribeFileSystemsCommandOutput,
  DescribeMountTargetsCommand,
  DescribeMountTargetsCommandOutput,
  EFSClient,
  FileSystemDescription,
  MountTargetDescription,
} from '@aws-sdk/client-efs';
import {
  AppDetails,
  DeleteAppCommand,
  DeleteDomainCommand,
  DeleteSpaceCommand,
  DeleteUserProfileCommand,
  DescribeDomainCommand,
  DescribeDomainCommandOutput,
  ListAppsCommand,
  ListAppsCommandOutput,
  ListSpacesCommand,
  ListSpacesCommandOutput,
  ListUserProfilesCommand,
  ListUserProfilesCommandOutput,
  SageMakerClient,
  SpaceDetails,
  UserProfileDetails,
} from '@aws-sdk/client-sagemaker';
import {
  CustomResourceEvent,
  DeleteOutcome,
  IsCompleteResponse,
  OnEventResponse,
  Runtime,
  RuntimeOptions,
  SdkClient,
  errorName,
  errorText,
  isNotFoundError,
  isThrottlingError,
  isTransientError,
  logger,
  paginate,
  readString,
  readStringList,
  runtime,
} from '../../../private/handlers/runtime';

// The generic pieces used to live here: re-exported so this module's public API is unchanged.
export type {
  CustomResourceEvent,
  DeleteOutcome,
  IsCompleteResponse,
  LogFn,
  OnEventResponse,
  RequestType,
  RuntimeOptions,
  SdkClient,
  Sleep,
} from '../../../private/handlers/runtime';
export { isNotFoundError, isThrottlingError, paginate, sendWithRetry } from '../../../private/handlers/runtime';

// ---------------------------------------------------------------------------------------------------
// Resource types (event and response shapes: see the shared runtime)
// ---------------------------------------------------------------------------------------------------

import { DOMAIN_CLEANUP_RESOURCE_TYPE, DomainCleanupProperties } from '../../../private/contracts/domain-cleanup';
import type { Wire } from '../../../private/contracts';
export { DOMAIN_CLEANUP_RESOURCE_TYPE };

// ---------------------------------------------------------------------------------------------------
// Injected dependencies
// ---------------------------------------------------------------------------------------------------

export interface DomainCleanupClients extends RuntimeOptions {
  readonly sagemaker: SdkClient;
  /** Clock of the poll deadline. Default: Date.now. Tests inject a fake clock. */
  readonly now?: () => number;
  /**
   * Work budget of one isComplete poll: once spent, the poll stops requesting deletions and answers
   * "not yet" (the next poll, 30 s later, carries on). Default POLL_BUDGET_MS.
   */
  readonly pollBudgetMs?: number;
  /**
   * What is left of the Lambda invocation (the Lambda context's getRemainingTimeInMillis): the poll
   * also stops POLL_RESERVE_MS before that, so a poll never ends in a Lambda timeout (which reports
   * FAILED, not "poll again"). Default: the budget alone.
   */
  readonly remainingTimeMs?: () => number;
  /** Absolute time (of `now`) after which a poll stops; set by domainCleanupIsComplete. */
  readonly deadlineAt?: number;
}

/** Default work budget of one poll: well under the handler Lambda's 300 s timeout. */
export const POLL_BUDGET_MS = 90_000;

/** Time kept back from the Lambda's remaining time for the last call in flight and the answer. */
export const POLL_RESERVE_MS = 60_000;

/** Thrown (and caught by the poll wrapper) when a poll's deadline has passed: "not yet", not failure. */
export class PollDeadlineReached extends Error {
  constructor(public readonly where: string) {
    super(`poll deadline reached (${where})`);
    this.name = 'PollDeadlineReached';
  }
}

/** Throws PollDeadlineReached once the deadline the clients carry has passed (no deadline: never). */
function checkDeadline(clients: { readonly now?: () => number; readonly deadlineAt?: number }, where: string): void {
  if (clients.deadlineAt === undefined) return;
  if ((clients.now ?? Date.now)() >= clients.deadlineAt) throw new PollDeadlineReached(where);
}

/** The absolute deadline of a poll starting now: the budget, or the Lambda's remaining time less the reserve. */
export function pollDeadline(clients: DomainCleanupClients): number {
  const start = (clients.now ?? Date.now)();
  let budget = Math.max(0, clients.pollBudgetMs ?? POLL_BUDGET_MS);
  if (clients.remainingTimeMs) budget = Math.min(budget, Math.max(0, clients.remainingTimeMs() - POLL_RESERVE_MS));
  return start + budget;
}

export interface EfsCleanupClients extends DomainCleanupClients {
  readonly efs: SdkClient;
  readonly ec2: SdkClient;
}

// ---------------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------------

export type CleanupMode = 'DESTROY' | 'RETAIN';

export interface CleanupProperties {
  /** Empty when the domain was never created (e.g. its create failed). */
  readonly domainId: string;
  /** RETAIN unless the property says DESTROY (case-insensitive): deleting nothing is the safe default. */
  readonly mode: CleanupMode;
  readonly homeEfsFileSystemId?: string;
  readonly vpcId?: string;
  /** User profiles CloudFormation deletes itself (Custom::StudioDomainCleanup only). */
  readonly stackUserProfiles: readonly string[];
  /** Spaces CloudFormation deletes itself (Custom::StudioDomainCleanup only). */
  readonly stackSpaces: readonly string[];
  /**
   * Custom::StudioDomainCleanup: after emptying the domain, delete it (home EFS included), then the
   * leftover mount targets, file system and NFS security groups. Stack-owned profiles and spaces are
   * then deleted too (CloudFormation's own delete of them later finds them gone, which succeeds).
   */
  readonly deleteDomain: boolean;
}

/** Reads the resource properties, which CloudFormation delivers as strings (lists as string arrays). */
export function parseCleanupProperties(props: Record<string, unknown> | undefined): CleanupProperties {
  const p: Wire<DomainCleanupProperties> = props ?? {};
  return {
    domainId: readString(p.DomainId) ?? '',
    mode: readString(p.Mode)?.toUpperCase() === 'DESTROY' ? 'DESTROY' : 'RETAIN',
    homeEfsFileSystemId: readString(p.HomeEfsFileSystemId),
    vpcId: readString(p.VpcId),
    stackUserProfiles: readStringList(p.StackUserProfiles),
    stackSpaces: readStringList(p.StackSpaces),
    deleteDomain: readString(p.DeleteDomain)?.toLowerCase() === 'true',
  };
}

// ---------------------------------------------------------------------------------------------------
// Physical ids and onEvent (no API calls: onEvent never fails for these resources)
// ---------------------------------------------------------------------------------------------------

export function domainCleanupPhysicalId(domainId: string): string {
  return `cleanup-${domainId || 'none'}`;
}

export function domainCleanupOnEvent(event: CustomResourceEvent, options: RuntimeOptions = {}): OnEventResponse {
  return stableOnEvent(event, domainCleanupPhysicalId, 'StudioDomainCleanup', options);
}

/**
 * Create: `<prefix>-<DomainId>`. Update: the current id while DomainId is unchanged; a new id when the
 * domain was replaced, so CloudFormation sends a Delete (with the old properties) for the old domain's
 * cleanup. Delete: the id CloudFormation sent, whatever it is (the Provider framework rejects a change).
 * All work happens in isComplete.
 */
function stableOnEvent(
  event: CustomResourceEvent,
  physicalId: (domainId: string) => string,
  resource: string,
  options: RuntimeOptions,
): OnEventResponse {
  const log = logger(options, resource);
  const props = parseCleanupProperties(event.ResourceProperties);
  const fresh = physicalId(props.domainId);
  let id: string;
  if (event.RequestType === 'Delete') {
    id = event.PhysicalResourceId ?? fresh;
  } else if (event.RequestType === 'Update' && event.PhysicalResourceId) {
    const oldDomainId = parseCleanupProperties(event.OldResourceProperties).domainId;
    id = oldDomainId === props.domainId ? event.PhysicalResourceId : fresh;
  } else {
    id = fresh;
  }
  log({ action: 'onEvent', requestType: event.RequestType, domainId: props.domainId, mode: props.mode, physicalResourceId: id });
  return { PhysicalResourceId: id };
}

// ---------------------------------------------------------------------------------------------------
// Custom::StudioDomainCleanup — isComplete
// ---------------------------------------------------------------------------------------------------

export type DomainCleanupPhase = 'apps' | 'spaces' | 'userProfiles' | 'done';

export interface DomainCleanupProgress {
  readonly phase: DomainCleanupPhase;
  /** Items of the current phase still present (deletion requested, in progress or to retry). */
  readonly pending: number;
}

export async function domainCleanupIsComplete(
  event: CustomResourceEvent,
  clients: DomainCleanupClients & Partial<EfsCleanupClients>,
): Promise<IsCompleteResponse> {
  const log = logger(clients, 'StudioDomainCleanup');
  if (event.RequestType !== 'Delete') return { IsComplete: true };
  const props = parseCleanupProperties(event.ResourceProperties);
  const skip = skipReason(event, props, domainCleanupPhysicalId);
  if (skip) {
    log({ action: 'skip', reason: skip, domainId: props.domainId, physicalResourceId: event.PhysicalResourceId });
    return { IsComplete: true };
  }
  // With DeleteDomain, this one resource takes the whole domain down: it is deleted before the
  // domain (it depends on it), so it can still read the domain's EFS id and VPC from its own
  // properties, delete the domain itself (home EFS included), then what SageMaker leaves behind.
  const full = props.deleteDomain && clients.efs !== undefined && clients.ec2 !== undefined;
  // The domain cannot be deleted while any profile or space exists, the stack's own included.
  const toEmpty: CleanupProperties = full ? { ...props, stackUserProfiles: [], stackSpaces: [] } : props;
  // Every poll has a deadline, so hundreds of items under throttling never run into the Lambda's timeout.
  clients = { ...clients, deadlineAt: clients.deadlineAt ?? pollDeadline(clients) };
  return pollUnlessThrottled(log, props.domainId, async () => {
    try {
      const progress = await emptyDomain(clients, toEmpty);
      log({ action: 'poll', domainId: props.domainId, phase: progress.phase, pending: progress.pending });
      if (progress.phase !== 'done') return { IsComplete: false };
      if (!full) return { IsComplete: true };
      await requestDomainDeletion(clients, props);
    } catch (err) {
      if (!isDomainMissingError(err)) throw err;
      log({ action: 'poll', domainId: props.domainId, result: 'domain-gone' });
      if (!full) return { IsComplete: true };
    }
    const after = await cleanUpAfterDomain(clients as EfsCleanupClients, props);
    log({ action: 'poll', domainId: props.domainId, phase: after.phase, pending: after.pending });
    return { IsComplete: after.phase === 'done' };
  });
}

/**
 * Runs one poll: the deadline, throttling and transient errors (5xx, timeouts, connection resets) mean
 * "not yet" (the next poll carries on); any other error fails the delete.
 */
async function pollUnlessThrottled(log: ReturnType<typeof logger>, domainId: string, poll: () => Promise<IsCompleteResponse>): Promise<IsCompleteResponse> {
  try {
    return await poll();
  } catch (err) {
    if (err instanceof PollDeadlineReached) {
      log({ action: 'poll', domainId, result: 'deadline-reached', where: err.where });
      return { IsComplete: false };
    }
    if (isThrottlingError(err)) {
      log({ action: 'poll', domainId, result: 'throttled', error: errorText(err) });
      return { IsComplete: false };
    }
    if (isTransientError(err)) {
      log({ action: 'poll', domainId, result: 'transient-error', error: errorText(err) });
      return { IsComplete: false };
    }
    log({ action: 'poll', domainId, result: 'failed', error: errorText(err) });
    throw err;
  }
}

/**
 * Asks SageMaker to delete the (now empty) domain and its home EFS, once: a domain already in
 * `Deleting` is left alone; `ResourceInUse` (an app still winding down) is retried on the next poll.
 */
export async function requestDomainDeletion(clients: DomainCleanupClients, props: CleanupProperties): Promise<void> {
  checkDeadline(clients, 'DeleteDomain');
  const rt = cleanupRuntime(clients, 'StudioDomainCleanup');
  const domain: DescribeDomainCommandOutput = await rt.send(clients.sagemaker, new DescribeDomainCommand({ DomainId: props.domainId }));
  if (domain.Status === 'Deleting') return;
  try {
    await rt.send(clients.sagemaker, new DeleteDomainCommand({ DomainId: props.domainId, RetentionPolicy: { HomeEfsFileSystem: 'Delete' } }));
    rt.log({ action: 'DeleteDomain', domainId: props.domainId, homeEfsFileSystem: 'Delete' });
  } catch (err) {
    if (isDomainMissingError(err) || isNotFoundError(err)) return;
    if (errorName(err) === 'ResourceInUse') {
      rt.log({ action: 'DeleteDomain', domainId: props.domainId, result: 'in-use-retry-next-poll' });
      return;
    }
    throw err;
  }
}

/**
 * One step of the domain state machine: re-reads apps, spaces and user profiles and requests the next
 * deletions. Phases run in order within one call as far as they can; the first phase with something
 * still present stops the call and is reported. A missing domain surfaces as a not-found error from
 * DescribeDomain or a list call (handled by the caller).
 */
export async function emptyDomain(clients: DomainCleanupClients, props: CleanupProperties): Promise<DomainCleanupProgress> {
  const rt = cleanupRuntime(clients, 'StudioDomainCleanup');
  const sm = clients.sagemaker;
  const domainId = props.domainId;
  const deadline = (): void => checkDeadline(clients, 'deletions');

  const domain: DescribeDomainCommandOutput = await rt.send(sm, new DescribeDomainCommand({ DomainId: domainId }));
  rt.log({
    action: 'DescribeDomain',
    domainId,
    status: domain.Status,
    homeEfsFileSystemId: props.homeEfsFileSystemId ?? domain.HomeEfsFileSystemId,
  });

  // A phase runs only once the phases before it have nothing left.
  const phases: ReadonlyArray<readonly [DomainCleanupPhase, () => Promise<number>]> = [
    // Phase 1: every app, including those of the stack's own profiles and spaces.
    ['apps', () => runDeletionPhase<AppDetails, ListAppsCommandOutput>(rt, sm, {
      listPage: (NextToken) => rt.send(sm, new ListAppsCommand({ DomainIdEquals: domainId, NextToken, MaxResults: 100 })),
      items: (page) => page.Apps,
      goneStatus: 'Deleted',
      // A Failed app runs nothing: when SageMaker refuses to delete it (ValidationException), retrying
      // would loop until CloudFormation's timeout. It is logged with the refusal and left behind.
      refusalIsFinal: (app, err) => app.Status === 'Failed' && errorName(err) === 'ValidationException',
      request: (app) => {
        const owner = app.SpaceName ? { SpaceName: app.SpaceName } : { UserProfileName: app.UserProfileName };
        return {
          command: new DeleteAppCommand({ DomainId: domainId, AppType: app.AppType, AppName: app.AppName, ...owner }),
          logEntry: { action: 'DeleteApp', domainId, appType: app.AppType, appName: app.AppName, status: app.Status, ...owner },
        };
      },
    }, deadline)],
    // Phase 2: spaces the stack does not own.
    ['spaces', () => runDeletionPhase<SpaceDetails, ListSpacesCommandOutput>(rt, sm, {
      listPage: (NextToken) => rt.send(sm, new ListSpacesCommand({ DomainIdEquals: domainId, NextToken, MaxResults: 100 })),
      items: (page) => page.Spaces,
      stackOwned: { names: props.stackSpaces, nameOf: (space) => space.SpaceName },
      request: (space) => ({
        command: new DeleteSpaceCommand({ DomainId: domainId, SpaceName: space.SpaceName }),
        logEntry: { action: 'DeleteSpace', domainId, spaceName: space.SpaceName, status: space.Status },
      }),
    }, deadline)],
    // Phase 3: user profiles the stack does not own.
    ['userProfiles', () => runDeletionPhase<UserProfileDetails, ListUserProfilesCommandOutput>(rt, sm, {
      listPage: (NextToken) => rt.send(sm, new ListUserProfilesCommand({ DomainIdEquals: domainId, NextToken, MaxResults: 100 })),
      items: (page) => page.UserProfiles,
      stackOwned: { names: props.stackUserProfiles, nameOf: (profile) => profile.UserProfileName },
      request: (profile) => ({
        command: new DeleteUserProfileCommand({ DomainId: domainId, UserProfileName: profile.UserProfileName }),
        logEntry: { action: 'DeleteUserProfile', domainId, userProfileName: profile.UserProfileName, status: profile.Status },
      }),
    }, deadline)],
  ];
  for (const [phase, run] of phases) {
    checkDeadline(clients, phase);
    const pending = await run();
    if (pending > 0) return { phase, pending };
  }
  return { phase: 'done', pending: 0 };
}

/** One phase of emptying the domain: what to list, what to leave alone, and how to delete an item. */
interface DeletionPhase<Item, Page> {
  /** Reads one page of the list (`nextToken` undefined for the first). */
  readonly listPage: (nextToken: string | undefined) => Promise<Page>;
  /** The items of a page. */
  readonly items: (page: Page) => Item[] | undefined;
  /**
   * Items CloudFormation deletes itself, by name: skipped, and so are items without a name.
   * @default - every item listed is deleted
   */
  readonly stackOwned?: { readonly names: readonly string[]; readonly nameOf: (item: Item) => string | undefined };
  /**
   * The status of an item that is deleted but still listed: skipped, not counted.
   * @default - none
   */
  readonly goneStatus?: string;
  /** The delete command of an item and the log entry of its outcome. */
  readonly request: (item: Item) => { readonly command: unknown; readonly logEntry: Record<string, unknown> };
  /**
   * A refusal of the delete (a retry-next-poll error) that will never change for this item: the item
   * is logged as 'refused-left-behind', with the error, and no longer waited for.
   * @default - every refusal is retried on the next poll
   */
  readonly refusalIsFinal?: (item: Item, err: unknown) => boolean;
}

/**
 * rt.deleteItem, except that a refusal `isFinal` says will never change counts as 'gone' (logged as
 * 'refused-left-behind', with the error) instead of 'retry'.
 */
async function deleteOne(
  rt: Runtime,
  client: SdkClient,
  command: unknown,
  logEntry: Record<string, unknown>,
  isFinal: (err: unknown) => boolean,
): Promise<DeleteOutcome> {
  try {
    await rt.send(client, command);
    rt.log({ ...logEntry, result: 'requested' });
    return 'requested';
  } catch (err) {
    const throttled = isThrottlingError(err);
    if (isNotFoundError(err)) {
      rt.log({ ...logEntry, result: 'gone' });
      return 'gone';
    }
    if (!throttled && isFinal(err)) {
      rt.log({ ...logEntry, result: 'refused-left-behind', error: errorText(err) });
      return 'gone';
    }
    if (!throttled && RETRY_NEXT_POLL_ERRORS.has(errorName(err))) {
      rt.log({ ...logEntry, result: 'retry-next-poll', error: errorText(err) });
      return 'retry';
    }
    rt.log({ ...logEntry, result: throttled ? 'throttled' : 'failed', error: errorText(err) });
    throw err;
  }
}

/**
 * Lists every item of a phase (all pages), then requests the deletion of each, one at a time, and
 * returns how many are still present: an item already `Deleting` counts without a new request, a
 * requested delete counts unless it answers that the item is gone.
 */
async function runDeletionPhase<Item extends { readonly Status?: string }, Page>(
  rt: Runtime,
  client: SdkClient,
  phase: DeletionPhase<Item, Page>,
  beforeDelete: () => void,
): Promise<number> {
  let items = await paginate<Item, Page>(phase.listPage, phase.items);
  const owned = phase.stackOwned;
  if (owned) {
    const names = new Set(owned.names);
    items = items.filter((item) => {
      const name = owned.nameOf(item);
      return !!name && !names.has(name);
    });
  }
  let pending = 0;
  for (const item of items) {
    if (phase.goneStatus !== undefined && item.Status === phase.goneStatus) continue;
    if (item.Status === 'Deleting') {
      pending++;
      continue;
    }
    beforeDelete();
    const { command, logEntry } = phase.request(item);
    const isFinal = phase.refusalIsFinal;
    const outcome = isFinal
      ? await deleteOne(rt, client, command, logEntry, (err) => isFinal(item, err))
      : await rt.deleteItem(client, command, logEntry);
    if (outcome !== 'gone') pending++;
  }
  return pending;
}

// ---------------------------------------------------------------------------------------------------
// After the domain: its home EFS and the NFS security groups SageMaker created
// ---------------------------------------------------------------------------------------------------

export type EfsCleanupPhase = 'domain' | 'efs' | 'securityGroups' | 'done';

export interface EfsCleanupProgress {
  readonly phase: EfsCleanupPhase;
  readonly pending: number;
}

/**
 * One step of the post-domain state machine: wait for the domain to be gone, then mount targets, then
 * the file system, then the NFS security groups.
 */
export async function cleanUpAfterDomain(clients: EfsCleanupClients, props: CleanupProperties): Promise<EfsCleanupProgress> {
  const rt = cleanupRuntime(clients, 'StudioDomainCleanup');
  const domainId = props.domainId;

  let domain: DescribeDomainCommandOutput | undefined;
  try {
    domain = await rt.send(clients.sagemaker, new DescribeDomainCommand({ DomainId: domainId }));
  } catch (err) {
    if (!isDomainMissingError(err)) throw err;
  }
  if (domain) {
    if (domain.Status === 'Delete_Failed') {
      rt.log({ action: 'DescribeDomain', domainId, status: domain.Status, failureReason: domain.FailureReason });
      throw new Error(`SageMaker domain ${domainId} failed to delete: ${domain.FailureReason ?? 'no reason given'}`);
    }
    rt.log({ action: 'DescribeDomain', domainId, status: domain.Status, result: 'waiting-for-domain-deletion' });
    return { phase: 'domain', pending: 1 };
  }
  rt.log({ action: 'DescribeDomain', domainId, result: 'domain-gone' });

  checkDeadline(clients, 'efs');
  const efsPending = await deleteHomeEfs(rt, clients.efs, props);
  if (efsPending > 0) return { phase: 'efs', pending: efsPending };

  checkDeadline(clients, 'securityGroups');
  const sgPending = await deleteNfsSecurityGroups(rt, clients.ec2, props);
  if (sgPending > 0) return { phase: 'securityGroups', pending: sgPending };

  return { phase: 'done', pending: 0 };
}

/** SageMaker tags the home EFS and the NFS security groups with this key; the value is the domain ARN. */
export const SAGEMAKER_OWNER_TAG = 'ManagedByAmazonSageMakerResource';

function ownerTagMatches(tags: ReadonlyArray<{ Key?: string; Value?: string }> | undefined, domainId: string): boolean | undefined {
  const tag = (tags ?? []).find((t) => t.Key === SAGEMAKER_OWNER_TAG);
  if (!tag) return undefined;
  return (tag.Value ?? '').endsWith(`:domain/${domainId}`);
}

/** Returns how many file systems still need another poll. */
async function deleteHomeEfs(rt: Runtime, efs: SdkClient, props: CleanupProperties): Promise<number> {
  const domainId = props.domainId;
  let fileSystems: FileSystemDescription[];
  if (props.homeEfsFileSystemId) {
    try {
      const out: DescribeFileSystemsCommandOutput = await rt.send(efs,
        new DescribeFileSystemsCommand({ FileSystemId: props.homeEfsFileSystemId }));
      fileSystems = out.FileSystems ?? [];
    } catch (err) {
      if (!isNotFoundError(err)) throw err;
      fileSystems = [];
    }
    // A file system tagged for a different domain is never ours to delete (wrong wiring).
    const foreign = fileSystems.filter((fs) => ownerTagMatches(fs.Tags, domainId) === false);
    for (const fs of foreign) {
      rt.log({ action: 'skip-file-system', domainId, fileSystemId: fs.FileSystemId, reason: 'tagged-for-another-domain' });
    }
    fileSystems = fileSystems.filter((fs) => !foreign.includes(fs));
  } else {
    // Not passed in: find it by the tag SageMaker puts on the home EFS (DescribeDomain no longer answers).
    fileSystems = (await paginate<FileSystemDescription, DescribeFileSystemsCommandOutput>(
      (Marker) => rt.send(efs, new DescribeFileSystemsCommand({ Marker })),
      (page) => page.FileSystems,
      (page) => page.NextMarker,
    )).filter((fs) => ownerTagMatches(fs.Tags, domainId) === true);
    rt.log({ action: 'find-home-efs', domainId, fileSystemIds: fileSystems.map((fs) => fs.FileSystemId) });
  }
  if (fileSystems.length === 0) {
    rt.log({ action: 'DescribeFileSystems', domainId, fileSystemId: props.homeEfsFileSystemId, result: 'gone' });
  }

  let pending = 0;
  for (const fs of fileSystems) {
    const fileSystemId = fs.FileSystemId!;
    if (fs.LifeCycleState === 'deleting' || fs.LifeCycleState === 'deleted') {
      rt.log({ action: 'DescribeFileSystems', domainId, fileSystemId, lifeCycleState: fs.LifeCycleState, result: 'gone' });
      continue;
    }
    let mountTargets: MountTargetDescription[];
    try {
      mountTargets = await paginate<MountTargetDescription, DescribeMountTargetsCommandOutput>(
        (Marker) => rt.send(efs, new DescribeMountTargetsCommand({ FileSystemId: fileSystemId, Marker })),
        (page) => page.MountTargets,
        (page) => page.NextMarker,
      );
    } catch (err) {
      if (!isNotFoundError(err)) throw err;
      rt.log({ action: 'DescribeMountTargets', domainId, fileSystemId, result: 'gone' });
      continue;
    }
    let mountTargetsLeft = 0;
    for (const mt of mountTargets) {
      if (mt.LifeCycleState === 'deleted') continue;
      if (mt.LifeCycleState === 'deleting') {
        mountTargetsLeft++;
        continue;
      }
      const outcome = await rt.deleteItem(efs, new DeleteMountTargetCommand({ MountTargetId: mt.MountTargetId }),
        { action: 'DeleteMountTarget', domainId, fileSystemId, mountTargetId: mt.MountTargetId, lifeCycleState: mt.LifeCycleState });
      if (outcome !== 'gone') mountTargetsLeft++;
    }
    if (mountTargetsLeft > 0) {
      pending++;
      continue;
    }
    const outcome = await rt.deleteItem(efs, new DeleteFileSystemCommand({ FileSystemId: fileSystemId }),
      { action: 'DeleteFileSystem', domainId, fileSystemId });
    if (outcome === 'retry') pending++;
  }
  return pending;
}

export function nfsSecurityGroupNames(domainId: string): [string, string] {
  return [`security-group-for-inbound-nfs-${domainId}`, `security-group-for-outbound-nfs-${domainId}`];
}

/** Keeps only the group-to-group grants that point at one of `groupIds`, in a shape Revoke* accepts. */
export function permissionsReferencing(permissions: IpPermission[] | undefined, groupIds: ReadonlySet<string>): IpPermission[] {
  const result: IpPermission[] = [];
  for (const perm of permissions ?? []) {
    const pairs = (perm.UserIdGroupPairs ?? []).filter((pair) => pair.GroupId && groupIds.has(pair.GroupId));
    if (pairs.length === 0) continue;
    result.push({
      IpProtocol: perm.IpProtocol,
      FromPort: perm.FromPort,
      ToPort: perm.ToPort,
      UserIdGroupPairs: pairs.map((pair) => ({ GroupId: pair.GroupId, UserId: pair.UserId })),
    });
  }
  return result;
}

/** Returns how many security groups still need another poll. */
async function deleteNfsSecurityGroups(rt: Runtime, ec2: SdkClient, props: CleanupProperties): Promise<number> {
  const domainId = props.domainId;
  const filters: Filter[] = [{ Name: 'group-name', Values: nfsSecurityGroupNames(domainId) }];
  if (props.vpcId) filters.unshift({ Name: 'vpc-id', Values: [props.vpcId] });
  const groups = (await paginate<SecurityGroup, DescribeSecurityGroupsCommandOutput>(
    (NextToken) => rt.send(ec2, new DescribeSecurityGroupsCommand({ Filters: filters, NextToken })),
    (page) => page.SecurityGroups,
  )).filter((g) => g.GroupId);
  rt.log({ action: 'DescribeSecurityGroups', domainId, vpcId: props.vpcId, groupIds: groups.map((g) => g.GroupId) });

  // The two groups reference each other (inbound allows NFS from outbound, outbound allows NFS to
  // inbound): revoke those grants first or neither can be deleted.
  const ids = new Set(groups.map((g) => g.GroupId!));
  for (const group of groups) {
    const ingress = permissionsReferencing(group.IpPermissions, ids);
    if (ingress.length > 0) {
      await rt.deleteItem(ec2, new RevokeSecurityGroupIngressCommand({ GroupId: group.GroupId, IpPermissions: ingress }),
        { action: 'RevokeSecurityGroupIngress', domainId, groupId: group.GroupId, rules: ingress.length });
    }
    const egress = permissionsReferencing(group.IpPermissionsEgress, ids);
    if (egress.length > 0) {
      await rt.deleteItem(ec2, new RevokeSecurityGroupEgressCommand({ GroupId: group.GroupId, IpPermissions: egress }),
        { action: 'RevokeSecurityGroupEgress', domainId, groupId: group.GroupId, rules: egress.length });
    }
  }

  let pending = 0;
  for (const group of groups) {
    const outcome = await rt.deleteItem(ec2, new DeleteSecurityGroupCommand({ GroupId: group.GroupId }),
      { action: 'DeleteSecurityGroup', domainId, groupId: group.GroupId, groupName: group.GroupName });
    if (outcome === 'retry') pending++;
  }
  return pending;
}

// ---------------------------------------------------------------------------------------------------
// Skip rules and service-specific error classification
// ---------------------------------------------------------------------------------------------------

/** Why a Delete has nothing to do, or undefined when the cleanup must run. */
function skipReason(
  event: CustomResourceEvent,
  props: CleanupProperties,
  physicalId: (domainId: string) => string,
): string | undefined {
  if (props.mode !== 'DESTROY') return 'mode-retain';
  if (!props.domainId) return 'no-domain-id';
  // An id this handler never returned belongs to a create that failed before onEvent answered; the
  // domain it names was never handed to us, so there is nothing of ours to clean up.
  if (event.PhysicalResourceId !== undefined && event.PhysicalResourceId !== physicalId(props.domainId)) {
    return 'foreign-physical-id';
  }
  return undefined;
}

/** What SageMaker answers for a domain that does not exist (DescribeDomain, ListApps, ...). */
export function isDomainMissingError(err: unknown): boolean {
  return isNotFoundError(err);
}

/** Errors on a delete that mean "not now": the resource is busy or in a state that refuses it. */
const RETRY_NEXT_POLL_ERRORS = new Set([
  'ResourceInUse', // SageMaker: app/space/profile still transitioning
  'ConflictException',
  'ValidationException', // SageMaker uses it for "in state X, cannot delete" (not-found is checked first)
  'DependencyViolation', // EC2: ENIs still attached to the security group
  'FileSystemInUse', // EFS: mount targets not gone yet
  'IncorrectMountTargetState',
  'IncorrectFileSystemLifeCycleState',
]);

/** The shared runtime with this handler's retry-next-poll errors. */
function cleanupRuntime(options: RuntimeOptions, resource: string): Runtime {
  return runtime(options, resource, { retryNextPollErrors: RETRY_NEXT_POLL_ERRORS });
}

// ---------------------------------------------------------------------------------------------------
// Lambda entry points
// ---------------------------------------------------------------------------------------------------

let realClients: EfsCleanupClients | undefined;

/** Real SDK clients, built on first use (so importing this module in tests creates none). */
function defaultClients(): EfsCleanupClients {
  realClients ??= {
    sagemaker: new SageMakerClient({}),
    efs: new EFSClient({}),
    ec2: new EC2Client({}),
  };
  return realClients;
}

export async function onEvent(event: CustomResourceEvent): Promise<OnEventResponse> {
  switch (event.ResourceType) {
    case DOMAIN_CLEANUP_RESOURCE_TYPE:
      return domainCleanupOnEvent(event);
    default:
      return unknownResourceType(event);
  }
}

/** The part of the Lambda context the poll deadline uses. */
export interface LambdaContextLike {
  getRemainingTimeInMillis(): number;
}

export async function isComplete(event: CustomResourceEvent, context?: LambdaContextLike): Promise<IsCompleteResponse> {
  switch (event.ResourceType) {
    case DOMAIN_CLEANUP_RESOURCE_TYPE:
      return domainCleanupIsComplete(event, context?.getRemainingTimeInMillis
        ? { ...defaultClients(), remainingTimeMs: () => context.getRemainingTimeInMillis() }
        : defaultClients());
    default:
      unknownResourceType(event);
      return { IsComplete: true };
  }
}

/** A Delete of a resource type this bundle does not serve must not block the stack; anything else fails. */
function unknownResourceType(event: CustomResourceEvent): OnEventResponse {
  console.log(JSON.stringify({ action: 'unknown-resource-type', resourceType: event.ResourceType, requestType: event.RequestType }));
  if (event.RequestType === 'Delete' && event.PhysicalResourceId) return { PhysicalResourceId: event.PhysicalResourceId };
  throw new Error(`unsupported resource type ${event.ResourceType}; expected ${DOMAIN_CLEANUP_RESOURCE_TYPE}`);
}

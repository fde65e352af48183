/**
 * Custom-resource handler (custom-resources.Provider framework, onEvent only) for
 * `Custom::SageMakerLatestApprovedModelPackage`: finds the newest Approved version of a model package
 * group (a Model Registry) at deploy time, so a stack deploys whatever was approved last.
 *
 * Properties (strings, as CloudFormation delivers them):
 * - `ModelPackageGroupName`: the group's name, or its ARN (a group shared from another account).
 * - `Nonce` (optional): any string. It is not used, but changing it makes CloudFormation send an
 *   Update, which resolves the newest Approved version again; an unchanged resource is skipped.
 *
 * - Create/Update: ListModelPackages (Approved only, newest first, one per page; an empty page with a
 *   NextToken is followed), then DescribeModelPackage of the version found. The physical id is
 *   `<group name>/<version>/<hash of the properties>`, so a newly approved version (or new
 *   properties) changes it and CloudFormation updates the resources that use the attributes (and
 *   then sends a Delete for the old id, which does nothing). A rollback Update (the previous
 *   properties with the previous id, whose hash they match) restores that id's version, whatever
 *   is newest now.
 *   Data: `ModelPackageArn`, `ModelPackageVersion` (a string), `ModelDataUrl` and `Image` of the
 *   first inference container ('' when the package has none).
 *   No Approved version fails the deployment, saying how to approve one; a group that does not exist
 *   fails it too (when the list is empty, DescribeModelPackageGroup tells the two apart).
 * - Delete: nothing to do (the registry and its versions are not this resource's).
 *
 * Throttling is retried with backoff by the shared runtime.
 */
import { createHash } from 'crypto';
import {
  DescribeModelPackageCommand,
  DescribeModelPackageCommandOutput,
  DescribeModelPackageGroupCommand,
  ListModelPackagesCommand,
  ListModelPackagesCommandInput,
  ListModelPackagesCommandOutput,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import {
  CustomResourceEvent,
  MAX_PAGES,
  OnEventResponse,
  Runtime,
  RuntimeOptions,
  SdkClient,
  errorText,
  isNotFoundError,
  readString,
  runtime,
} from '../../../private/handlers/runtime';

import { LATEST_APPROVED_RESOURCE_TYPE, LatestApprovedProperties as LatestApprovedContract } from '../../../private/contracts/latest-approved';
import type { Wire } from '../../../private/contracts';
export { LATEST_APPROVED_RESOURCE_TYPE };

const RESOURCE = 'SageMakerLatestApprovedModelPackage';

export interface LatestApprovedClients extends RuntimeOptions {
  readonly sagemaker: SdkClient;
}

/** The attributes of the resource (GetAtt names). */
export interface LatestApprovedData {
  readonly ModelPackageArn: string;
  readonly ModelPackageVersion: string;
  readonly ModelDataUrl: string;
  readonly Image: string;
  readonly [key: string]: string;
}

export interface LatestApprovedResponse extends OnEventResponse {
  /** Absent on Delete. */
  readonly Data?: LatestApprovedData;
}

export interface LatestApprovedProperties {
  /** The group's name or ARN, as given. */
  readonly modelPackageGroupName?: string;
  readonly nonce?: string;
}

export function parseLatestApprovedProperties(props: Record<string, unknown> | undefined): LatestApprovedProperties {
  const p: Wire<LatestApprovedContract> = props ?? {};
  return { modelPackageGroupName: readString(p.ModelPackageGroupName), nonce: readString(p.Nonce) };
}

/** The group's name: the part after `model-package-group/` of an ARN, else the value itself. */
export function groupNameOf(nameOrArn: string): string {
  const m = /^arn:[^:]+:sagemaker:[^:]*:[^:]*:model-package-group\/(.+)$/.exec(nameOrArn);
  return m ? m[1] : nameOrArn;
}

/**
 * `<group name>/<version>/<properties hash>`: changes whenever a newer version is approved or the
 * properties change. The hash lets a rollback be told apart: CloudFormation rolls an update back
 * with the previous physical id and the properties that produced it, so an Update whose properties
 * hash to the one in its physical id brings back that version, not the newest.
 */
export function latestApprovedPhysicalId(group: string, version: string, properties?: Record<string, unknown>): string {
  return `${groupNameOf(group)}/${version}${properties ? `/${propertiesHash(properties)}` : ''}`;
}

/** A hash of the properties that decide the version (the group and the nonce). */
export function propertiesHash(properties: Record<string, unknown>): string {
  const p = parseLatestApprovedProperties(properties);
  return createHash('sha256').update(JSON.stringify([p.modelPackageGroupName ?? '', p.nonce ?? ''])).digest('hex').slice(0, 12);
}

/** The version an Update must restore: the one in its physical id, when its properties produced that id. */
export function restoredVersion(event: CustomResourceEvent): string | undefined {
  if (event.RequestType !== 'Update' || !event.PhysicalResourceId) return undefined;
  const m = /^(.+)\/(\d+)\/([0-9a-f]{12})$/.exec(event.PhysicalResourceId);
  if (!m) return undefined;
  const group = parseLatestApprovedProperties(event.ResourceProperties).modelPackageGroupName;
  if (!group || groupNameOf(group) !== m[1] || propertiesHash(event.ResourceProperties ?? {}) !== m[3]) return undefined;
  return m[2];
}

/** The ListModelPackages request for the newest Approved version of `group` (name or ARN). */
export function listApprovedRequest(group: string, nextToken?: string): ListModelPackagesCommandInput {
  return {
    ModelPackageGroupName: group,
    ModelApprovalStatus: 'Approved',
    SortBy: 'CreationTime',
    SortOrder: 'Descending',
    MaxResults: 1,
    ...(nextToken ? { NextToken: nextToken } : {}),
  };
}

export function noApprovedVersionMessage(group: string): string {
  return `No Approved model package in group ${groupNameOf(group)} yet: approve a version (UpdateModelPackage ModelApprovalStatus=Approved) and deploy again`;
}

export function groupNotFoundMessage(group: string, cause?: string): string {
  return `Model package group ${group} does not exist (or is not shared with this account): create it, or fix the registry the stack names, and deploy again${cause ? ` (${cause})` : ''}`;
}

/** The attributes of a described model package; '' for what it does not have. */
export function latestApprovedData(out: DescribeModelPackageCommandOutput, fallbackArn: string): LatestApprovedData {
  const container = out.InferenceSpecification?.Containers?.[0];
  return {
    ModelPackageArn: out.ModelPackageArn ?? fallbackArn,
    ModelPackageVersion: out.ModelPackageVersion === undefined ? '' : String(out.ModelPackageVersion),
    ModelDataUrl: container?.ModelDataUrl ?? '',
    Image: container?.Image ?? '',
  };
}

/** The whole handler, with its SageMaker client and runtime knobs injected. */
export async function latestApprovedOnEvent(event: CustomResourceEvent, clients: LatestApprovedClients): Promise<LatestApprovedResponse> {
  const rt = runtime(clients, RESOURCE);
  switch (event.RequestType) {
    case 'Create':
    case 'Update': {
      const props = parseLatestApprovedProperties(event.ResourceProperties);
      if (!props.modelPackageGroupName) {
        throw new Error(`${LATEST_APPROVED_RESOURCE_TYPE}: missing ModelPackageGroupName`);
      }
      return resolveLatestApproved(rt, clients.sagemaker, props.modelPackageGroupName, event);
    }
    case 'Delete': {
      rt.log({ action: 'Delete', physicalResourceId: event.PhysicalResourceId, result: 'nothing-to-do' });
      return { PhysicalResourceId: event.PhysicalResourceId ?? event.RequestId ?? 'none' };
    }
    default:
      throw new Error(`unsupported request type ${String((event as { RequestType?: unknown }).RequestType)}`);
  }
}

async function resolveLatestApproved(rt: Runtime, sagemaker: SdkClient, group: string, event: CustomResourceEvent): Promise<LatestApprovedResponse> {
  const entry = { action: 'resolve', requestType: event.RequestType, modelPackageGroupName: group, nonce: readString(event.ResourceProperties?.Nonce) };
  const restore = restoredVersion(event);
  const arn = restore !== undefined
    ? await findVersionArn(rt, sagemaker, group, restore, entry)
    : await findNewestApprovedArn(rt, sagemaker, group, entry);
  let described: DescribeModelPackageCommandOutput;
  try {
    described = await rt.send<DescribeModelPackageCommandOutput>(sagemaker, new DescribeModelPackageCommand({ ModelPackageName: arn }));
  } catch (err) {
    rt.log({ ...entry, modelPackageArn: arn, result: 'describe-failed', error: errorText(err) });
    throw err;
  }
  const data = latestApprovedData(described, arn);
  const version = data.ModelPackageVersion || versionOfArn(arn);
  if (!version) throw new Error(`${LATEST_APPROVED_RESOURCE_TYPE}: model package ${arn} has no version: it is not a version of group ${groupNameOf(group)}`);
  const id = latestApprovedPhysicalId(group, version, event.ResourceProperties ?? {});
  if (restore !== undefined && described.ModelApprovalStatus !== undefined && described.ModelApprovalStatus !== 'Approved') {
    rt.log({ ...entry, modelPackageVersion: version, result: 'restored-version-no-longer-approved', modelApprovalStatus: described.ModelApprovalStatus });
  }
  rt.log({
    ...entry,
    result: restore !== undefined ? 'restored-previous-version' : 'resolved',
    modelPackageArn: data.ModelPackageArn,
    modelPackageVersion: version,
    ...(event.RequestType === 'Update' ? { previousPhysicalResourceId: event.PhysicalResourceId, versionChanged: event.PhysicalResourceId !== id } : {}),
  });
  return { PhysicalResourceId: id, Data: { ...data, ModelPackageVersion: version } };
}

/**
 * The ARN of version `version` of the group (whatever its approval status now: a rollback restores
 * what was deployed), by listing the group's versions.
 */
async function findVersionArn(rt: Runtime, sagemaker: SdkClient, group: string, version: string, entry: Record<string, unknown>): Promise<string> {
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const out = await rt.send<ListModelPackagesCommandOutput>(sagemaker, new ListModelPackagesCommand({
      ModelPackageGroupName: group, SortBy: 'CreationTime', SortOrder: 'Descending', MaxResults: 100, ...(token ? { NextToken: token } : {}),
    }));
    const found = (out.ModelPackageSummaryList ?? []).find((s) => String(s.ModelPackageVersion) === version || versionOfArn(s.ModelPackageArn ?? '') === version);
    if (found?.ModelPackageArn) return found.ModelPackageArn;
    token = out.NextToken || undefined;
    if (!token) break;
  }
  rt.log({ ...entry, modelPackageVersion: version, result: 'restored-version-gone' });
  throw new Error(`${LATEST_APPROVED_RESOURCE_TYPE}: rolling back to version ${version} of group ${groupNameOf(group)}, which no longer exists: CloudFormation cannot restore what was deployed; approve a version and deploy again`);
}

/** The ARN of the newest Approved version; fails clearly when there is none or the group is missing. */
async function findNewestApprovedArn(rt: Runtime, sagemaker: SdkClient, group: string, entry: Record<string, unknown>): Promise<string> {
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    let out: ListModelPackagesCommandOutput;
    try {
      out = await rt.send<ListModelPackagesCommandOutput>(sagemaker, new ListModelPackagesCommand(listApprovedRequest(group, token)));
    } catch (err) {
      if (isNotFoundError(err)) {
        rt.log({ ...entry, result: 'group-not-found', error: errorText(err) });
        throw new Error(groupNotFoundMessage(group, errorText(err)));
      }
      rt.log({ ...entry, result: 'list-failed', error: errorText(err) });
      throw err;
    }
    const arn = (out.ModelPackageSummaryList ?? []).map((s) => s.ModelPackageArn).find((a): a is string => !!a);
    if (arn) return arn;
    token = out.NextToken || undefined;
    if (!token) {
      await failNoneApproved(rt, sagemaker, group, entry);
    }
  }
  throw new Error(`${LATEST_APPROVED_RESOURCE_TYPE}: ListModelPackages of group ${groupNameOf(group)} did not end after ${MAX_PAGES} pages`);
}

/**
 * The list came back empty: the group has no Approved version, or does not exist (the list does not
 * say which). DescribeModelPackageGroup tells them apart; if it fails otherwise (access denied), the
 * no-Approved-version message stands.
 */
async function failNoneApproved(rt: Runtime, sagemaker: SdkClient, group: string, entry: Record<string, unknown>): Promise<never> {
  try {
    await rt.send(sagemaker, new DescribeModelPackageGroupCommand({ ModelPackageGroupName: group }));
  } catch (err) {
    if (isNotFoundError(err)) {
      rt.log({ ...entry, result: 'group-not-found', error: errorText(err) });
      throw new Error(groupNotFoundMessage(group));
    }
    rt.log({ ...entry, action: 'DescribeModelPackageGroup', result: 'failed-ignored', error: errorText(err) });
  }
  rt.log({ ...entry, result: 'none-approved' });
  throw new Error(noApprovedVersionMessage(group));
}

/** The version at the end of a versioned model package ARN (`.../<group>/<version>`), or undefined. */
function versionOfArn(arn: string): string | undefined {
  return /\/(\d+)$/.exec(arn)?.[1];
}

// ---------------------------------------------------------------------------------------------------
// Lambda entry point
// ---------------------------------------------------------------------------------------------------

let realSageMaker: SageMakerClient | undefined;

/** The real SageMaker client, built on first use (so importing this module in tests creates none). */
function defaultClients(): LatestApprovedClients {
  realSageMaker ??= new SageMakerClient({});
  return { sagemaker: realSageMaker };
}

export async function onEvent(event: CustomResourceEvent): Promise<LatestApprovedResponse> {
  return latestApprovedOnEvent(event, defaultClients());
}

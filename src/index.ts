// Curated public API. Everything here is documented in docs/api.md.
export { explain, check, compileGrant, evaluate, verdictOf } from './explain.js';
export { resolveRequest } from './core/resolve.js';
export type {
  HttpCall,
  MethodParams,
  Explanation,
  CheckResult,
  MissingRequirement,
  SatisfiedRequirement,
  Grant,
  RequestVerdict,
  VerdictKind,
} from './explain.js';
export type {
  Requirement,
  ExpandCandidate,
  UnknownItem,
  Resolution,
  ResolveOptions,
  RequestShape,
  PermissionContext,
  CanonicalRequest,
} from './common/types.js';
export { permissionInfo, listPermissions, impliedPermissions } from './map/permissions.js';
export type { PermissionInfo } from './map/catalog.js';
export type { PermissionName, AnyPermissionName } from './generated/permission-name.js';
export { checkPermissionName } from './core/names.js';
export type { NameCheck, NameProblemCode } from './core/names.js';
export { formatExplanation } from './format.js';
export { guard, unguard, isGuarded } from './runtime/guard.js';
export type { GuardOptions, GuardMode, UnmappedStrategy, PermissionsSource, PermissionsFunction, StripeClientLike } from './runtime/guard.js';
export { loadManifest, parseManifest } from './config/manifest.js';
export type { Manifest, ManifestPermission, ManifestOptions, ManifestIssue } from './config/manifest.js';
export {
  ManifestError,
  UnmappedRequestError,
  RefusedRequestError,
  GuardOptionsError,
  PERMISSION_ERROR_CODE,
  SESSION_PERMISSION_ERROR_CODE,
  missingViolation,
} from './core/errors.js';
export type { Violation, GuardErrorFields, ManifestProblem } from './core/errors.js';
export { setRecorder } from './runtime/record.js';
export type { CheckRecord, Recorder } from './runtime/record.js';
export { checkEvents, eventPermissions, listEventTypes } from './events.js';
export type { EventCheck } from './events.js';
export { buildReport, mergeReports, REPORT_SCHEMA } from './coverage/report.js';
export type { CoverageReport, CallCoverage, TestRecord, ExpectedRejection } from './coverage/report.js';
export { formatReportText, formatReportMarkdown } from './coverage/report-format.js';
export { suggestPermissions, PURPOSE_TODO } from './coverage/least-privilege.js';
export type { Suggestion, PermissionEntry } from './coverage/least-privilege.js';
export { isPermissionError, readPermissionError } from './permission-error.js';
export type { PermissionError, PermissionErrorInfo } from './permission-error.js';
export { compileOverrides } from './config/overrides.js';
export type { Overrides, CompiledOverrides } from './config/overrides.js';
export type { Logger } from './runtime/policy.js';

// Curated public API. Everything here is documented in docs/api.md.
export { explain, check, compileGrant, evaluate, verdictOf } from './explain.js';
export { resolveRequest } from './resolve.js';
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
export type { Requirement, ExpandCandidate, UnknownItem, Resolution, ResolveOptions, RequestShape, PermissionContext, CanonicalRequest } from './types.js';
export { permissionInfo, listPermissions, impliedPermissions } from './permissions.js';
export type { PermissionInfo } from './catalog.js';
export type { PermissionName, AnyPermissionName } from './generated/permission-name.js';
export { checkPermissionName } from './names.js';
export type { NameCheck, NameProblemCode } from './names.js';
export { formatExplanation } from './format.js';
export { guard, unguard, isGuarded } from './guard.js';
export type { GuardOptions, GuardMode, UnmappedStrategy, PermissionsSource, PermissionsFunction, StripeClientLike } from './guard.js';
export { loadManifest, parseManifest } from './manifest.js';
export type { Manifest, ManifestPermission, ManifestOptions, ManifestIssue } from './manifest.js';
export {
  ManifestError,
  UnmappedRequestError,
  RefusedRequestError,
  GuardOptionsError,
  PERMISSION_ERROR_CODE,
  SESSION_PERMISSION_ERROR_CODE,
  missingViolation,
} from './errors.js';
export type { Violation, GuardErrorFields, ManifestProblem } from './errors.js';
export { setRecorder } from './record.js';
export type { CheckRecord, Recorder } from './record.js';
export { checkEvents, eventPermissions, listEventTypes } from './events.js';
export type { EventCheck } from './events.js';
export { buildReport, mergeReports, REPORT_SCHEMA } from './report.js';
export type { CoverageReport, CallCoverage, TestRecord, ExpectedRejection } from './report.js';
export { formatReportText, formatReportMarkdown } from './report-format.js';
export { suggestPermissions, PURPOSE_TODO } from './least-privilege.js';
export type { Suggestion, PermissionEntry } from './least-privilege.js';
export { isPermissionError, readPermissionError } from './permission-error.js';
export type { PermissionError, PermissionErrorInfo } from './permission-error.js';
export { compileOverrides } from './overrides.js';
export type { Overrides, CompiledOverrides } from './overrides.js';
export type { Logger } from './policy.js';

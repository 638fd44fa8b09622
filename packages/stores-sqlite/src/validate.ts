export {
  checkAge,
  checkCount,
  checkDate,
  checkId,
  checkVersion,
  toJson,
  toJsonOrNull,
} from '@ccflow/sessions/store-kit';

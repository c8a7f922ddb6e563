"""The joint forum: quarterly and yearly figures, charts, snapshots and exports.

Forum members see aggregated, suppressed counts and de-identified items written for the
forum; they never reach a case or personal data.
"""

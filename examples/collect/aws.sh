#!/usr/bin/env bash
# Collects the AWS answers `posture import aws` reads: one JSON file per AWS CLI call, in the
# layout documented in docs/import-aws.md. Read-only: it only calls get-, list-, describe- and
# generate-credential-report.
#
#   examples/collect/aws.sh OUT_DIR
#   posture import aws OUT_DIR -o snapshot.json     (or: posture scan --from aws --snapshot OUT_DIR)
#
# Uses the AWS CLI (v1 or v2) with its usual credentials and region (AWS_PROFILE,
# AWS_DEFAULT_REGION, …). Regional services are read in that one region. Environment:
#   AWS_COLLECT_ENDPOINT  an endpoint URL passed to every call (e.g. a local emulator)
#
# A call that fails with an AWS error (no bucket policy, access denied, …) is recorded as
# {"Error": {"Code": …, "Message": …}}; posture reads "not configured" codes as the setting
# being off and any other error as unknown. Any other failure (no CLI, no network) stops here.
set -euo pipefail

out=${1:?usage: aws.sh OUT_DIR}
command -v aws >/dev/null || { echo "aws.sh: the AWS CLI (aws) is not on PATH" >&2; exit 2; }
endpoint=()
[[ -n ${AWS_COLLECT_ENDPOINT:-} ]] && endpoint=(--endpoint-url "$AWS_COLLECT_ENDPOINT")
region=${AWS_REGION:-${AWS_DEFAULT_REGION:-$(aws configure get region 2>/dev/null || true)}}
[[ -n $region ]] || { echo "aws.sh: no region: set AWS_DEFAULT_REGION" >&2; exit 2; }
mkdir -p "$out"
calls=0 errors=0

json_escape() { sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' | tr -d '\n\r'; }

# call FILE SERVICE OPERATION [ARGS…]: writes the answer (or the AWS error) to OUT_DIR/FILE.
call() {
    local file=$out/$1; shift
    mkdir -p "$(dirname "$file")"
    calls=$((calls + 1))
    if aws "$@" "${endpoint[@]}" --region "$region" --output json >"$file.tmp" 2>"$file.err"; then
        # Some calls print nothing when there is nothing to say (e.g. versioning never set).
        [[ -s $file.tmp ]] || echo '{}' >"$file.tmp"
        mv "$file.tmp" "$file"
        rm -f "$file.err"
        return 0
    fi
    local code
    code=$(sed -n 's/.*An error occurred (\([A-Za-z0-9_.-]*\)).*/\1/p' "$file.err" | head -n1)
    if [[ -z $code ]]; then
        echo "aws.sh: aws $* failed:" >&2
        cat "$file.err" >&2
        rm -f "$file.tmp" "$file.err"
        exit 1
    fi
    errors=$((errors + 1))
    printf '{"Error": {"Code": "%s", "Message": "%s"}}\n' "$code" "$(json_escape <"$file.err")" >"$file"
    rm -f "$file.tmp" "$file.err"
    return 0
}

# list QUERY SERVICE OPERATION [ARGS…]: the values a JMESPath query selects, one per line.
list() {
    local query=$1; shift
    aws "$@" "${endpoint[@]}" --region "$region" --query "$query" --output text 2>/dev/null \
        | tr '\t' '\n' | grep -v -e '^None$' -e '^$' || true
}

cli_version=$(aws --version 2>&1 | head -n1 | json_escape)
printf '{"captured_at": "%s", "region": "%s", "collector": "posture examples/collect/aws.sh 1", "aws_cli": "%s"}\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$region" "$cli_version" >"$out/posture-capture.json"

call sts/get-caller-identity.json sts get-caller-identity
account=$(list Account sts get-caller-identity)

# IAM (global).
aws iam generate-credential-report "${endpoint[@]}" --region "$region" --output json >/dev/null 2>&1 || true
for _ in 1 2 3 4 5 6 7 8 9 10; do
    state=$(list State iam generate-credential-report)
    [[ $state == COMPLETE ]] && break
    sleep 2
done
call iam/get-credential-report.json iam get-credential-report
# Without a credential report (e.g. generation denied), ask per user instead: slower, fewer facts.
if grep -q '"Error"' "$out/iam/get-credential-report.json"; then
    call iam/list-users.json iam list-users
    for u in $(list 'Users[].UserName' iam list-users); do
        call "iam/users/$u/list-mfa-devices.json" iam list-mfa-devices --user-name "$u"
        call "iam/users/$u/list-attached-user-policies.json" iam list-attached-user-policies --user-name "$u"
    done
fi
call iam/get-account-authorization-details.json iam get-account-authorization-details
call iam/get-account-summary.json iam get-account-summary
call iam/get-account-password-policy.json iam get-account-password-policy
call iam/list-virtual-mfa-devices.json iam list-virtual-mfa-devices
call iam/list-account-aliases.json iam list-account-aliases

# S3 (global list, per-bucket settings) and the account-level public-access block.
call s3control/get-public-access-block.json s3control get-public-access-block --account-id "$account"
call s3api/list-buckets.json s3api list-buckets
for b in $(list 'Buckets[].Name' s3api list-buckets); do
    for op in get-bucket-location get-bucket-policy get-bucket-acl get-public-access-block \
        get-bucket-encryption get-bucket-versioning get-object-lock-configuration get-bucket-tagging; do
        call "s3api/buckets/$b/$op.json" s3api "$op" --bucket "$b"
    done
done

# CloudTrail.
call cloudtrail/describe-trails.json cloudtrail describe-trails
for t in $(list 'trailList[].Name' cloudtrail describe-trails); do
    call "cloudtrail/trails/$t/get-trail-status.json" cloudtrail get-trail-status --name "$t"
    call "cloudtrail/trails/$t/get-event-selectors.json" cloudtrail get-event-selectors --trail-name "$t"
done

# AWS Backup.
call backup/list-backup-vaults.json backup list-backup-vaults
call backup/list-backup-plans.json backup list-backup-plans
for p in $(list 'BackupPlansList[].BackupPlanId' backup list-backup-plans); do
    call "backup/plans/$p/get-backup-plan.json" backup get-backup-plan --backup-plan-id "$p"
done
call backup/list-protected-resources.json backup list-protected-resources

# KMS.
call kms/list-keys.json kms list-keys
call kms/list-aliases.json kms list-aliases
for k in $(list 'Keys[].KeyId' kms list-keys); do
    call "kms/keys/$k/describe-key.json" kms describe-key --key-id "$k"
    call "kms/keys/$k/get-key-rotation-status.json" kms get-key-rotation-status --key-id "$k"
done

# RDS and EBS.
call rds/describe-db-instances.json rds describe-db-instances
call ec2/describe-volumes.json ec2 describe-volumes
call ec2/get-ebs-encryption-by-default.json ec2 get-ebs-encryption-by-default

echo "aws.sh: $calls calls ($errors answered with an AWS error) for account $account in $region → $out" >&2

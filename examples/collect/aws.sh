#!/usr/bin/env bash
# Collects the AWS answers `posture import aws` reads: one JSON file per AWS CLI call, in the
# layout documented in docs/import.md (section "AWS"). Read-only: it only calls get-, list-,
# describe-, generate-credential-report and (with --org-role) sts assume-role.
#
#   examples/collect/aws.sh [--regions REGION,…] [--org-role ROLE] OUT_DIR
#   posture import aws OUT_DIR -o snapshot.json     (or: posture scan --from aws --snapshot OUT_DIR)
#
# Uses the AWS CLI (v1 or v2) with its usual credentials and region (AWS_PROFILE,
# AWS_DEFAULT_REGION, …); global services (IAM, S3, STS, Organizations) are called in that
# region. Regional services are read in every region `aws ec2 describe-regions` lists as enabled
# for the account, or in the regions --regions lists.
#
#   --regions a,b     read regional services in these regions only
#   --org-role ROLE   collect every active account of the AWS Organization the credentials
#                     manage (`organizations list-accounts`), assuming the role ROLE in each
#                     (e.g. OrganizationAccountAccessRole); the management account is read with
#                     the credentials themselves. An account whose role cannot be assumed is
#                     reported and left out of the export.
#
# Layout: OUT_DIR/posture-capture.json, global answers (sts/, iam/, s3control/, s3api/) and
# regions/REGION/{cloudtrail,backup,kms,rds,ec2}/…; with --org-role, one such directory per
# account under OUT_DIR/accounts/ACCOUNT_ID/, and OUT_DIR/organizations/list-accounts.json.
#
# Environment:
#   AWS_COLLECT_ENDPOINT  an endpoint URL passed to every call (e.g. a local emulator)
#
# A call that fails with an AWS error (no bucket policy, access denied, …) is recorded as
# {"Error": {"Code": …, "Message": …}}; posture reads "not configured" codes as the setting
# being off and any other error as unknown. Any other failure (no CLI, no network) stops here.
set -euo pipefail

usage="usage: aws.sh [--regions REGION,…] [--org-role ROLE] OUT_DIR"
regions_opt='' org_role='' out=''
while (($#)); do
    case $1 in
    --regions) regions_opt=${2:?$usage}; shift 2 ;;
    --regions=*) regions_opt=${1#*=}; shift ;;
    --org-role) org_role=${2:?$usage}; shift 2 ;;
    --org-role=*) org_role=${1#*=}; shift ;;
    -h | --help) echo "$usage"; exit 0 ;;
    -*) echo "aws.sh: unknown option $1; $usage" >&2; exit 2 ;;
    *) [[ -z $out ]] || { echo "$usage" >&2; exit 2; }; out=$1; shift ;;
    esac
done
[[ -n $out ]] || { echo "$usage" >&2; exit 2; }
command -v aws >/dev/null || { echo "aws.sh: the AWS CLI (aws) is not on PATH" >&2; exit 2; }
endpoint=()
[[ -n ${AWS_COLLECT_ENDPOINT:-} ]] && endpoint=(--endpoint-url "$AWS_COLLECT_ENDPOINT")
home_region=${AWS_REGION:-${AWS_DEFAULT_REGION:-$(aws configure get region 2>/dev/null || true)}}
[[ -n $home_region ]] || { echo "aws.sh: no region: set AWS_DEFAULT_REGION" >&2; exit 2; }
region=$home_region
mkdir -p "$out"
# Parts of an account read side by side (IAM, S3, each region), and accounts read side by side.
jobs_max=${AWS_COLLECT_JOBS:-4}
accounts_max=2
failed=$out/.failed
rm -f "$failed"
captured_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)

# json_escape: stdin as the inside of a JSON string (control characters become spaces or go).
json_escape() { sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' | tr '\t\n\r' '   ' | tr -d '\000-\037'; }
# json_list WORD…: ["WORD", …]
json_list() {
    local sep='' w
    printf '['
    for w in "$@"; do printf '%s"%s"' "$sep" "$w"; sep=', '; done
    printf ']'
}

# call FILE SERVICE OPERATION [ARGS…]: writes the answer (or the AWS error) to $dir/FILE, $dir
# being the account's (or region's) directory.
call() {
    local file=$dir/$1; shift
    mkdir -p "$(dirname "$file")"
    if aws "$@" "${endpoint[@]}" --region "$region" --output json >"$file.tmp" 2>"$file.err" </dev/null; then
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
    printf '{"Error": {"Code": "%s", "Message": "%s"}}\n' "$code" "$(json_escape <"$file.err")" >"$file"
    rm -f "$file.tmp" "$file.err"
    return 0
}

# list QUERY SERVICE OPERATION [ARGS…]: the values a JMESPath query selects, one per line.
list() {
    local query=$1; shift
    aws "$@" "${endpoint[@]}" --region "$region" --query "$query" --output text 2>/dev/null </dev/null \
        | tr '\t' '\n' | grep -v -e '^None$' -e '^$' || true
}

# regional: the answers of the regional services in $region, under $dir.
regional() {
    # CloudTrail. A multi-region trail is listed in every region: its status is asked by ARN.
    call cloudtrail/describe-trails.json cloudtrail describe-trails
    local t arn
    while read -r t arn; do
        [[ -n $t && -n $arn && $arn != None ]] || continue
        call "cloudtrail/trails/$t/get-trail-status.json" cloudtrail get-trail-status --name "$arn"
        call "cloudtrail/trails/$t/get-event-selectors.json" cloudtrail get-event-selectors --trail-name "$arn"
    done < <(aws cloudtrail describe-trails "${endpoint[@]}" --region "$region" \
        --query 'trailList[].[Name,TrailARN]' --output text 2>/dev/null </dev/null || true)

    # AWS Backup.
    call backup/list-backup-vaults.json backup list-backup-vaults
    call backup/list-backup-plans.json backup list-backup-plans
    local p
    for p in $(list 'BackupPlansList[].BackupPlanId' backup list-backup-plans); do
        call "backup/plans/$p/get-backup-plan.json" backup get-backup-plan --backup-plan-id "$p"
    done
    call backup/list-protected-resources.json backup list-protected-resources

    # KMS.
    call kms/list-keys.json kms list-keys
    call kms/list-aliases.json kms list-aliases
    local k
    for k in $(list 'Keys[].KeyId' kms list-keys); do
        call "kms/keys/$k/describe-key.json" kms describe-key --key-id "$k"
        call "kms/keys/$k/get-key-rotation-status.json" kms get-key-rotation-status --key-id "$k"
    done

    # RDS and EBS.
    call rds/describe-db-instances.json rds describe-db-instances
    call ec2/describe-volumes.json ec2 describe-volumes
    call ec2/get-ebs-encryption-by-default.json ec2 get-ebs-encryption-by-default
}

# iam: the IAM answers (global), under $dir.
iam() {
    # The credential report: generated on demand, asked again until it is complete.
    local state tries=0 u
    state=$(aws iam generate-credential-report "${endpoint[@]}" --region "$region" --query State \
        --output text 2>/dev/null </dev/null || true)
    while [[ $state != COMPLETE ]] && ((tries < 10)); do
        if ((tries)); then sleep 2; fi
        tries=$((tries + 1))
        state=$(list State iam generate-credential-report)
    done
    call iam/get-credential-report.json iam get-credential-report
    # Without a credential report (e.g. generation denied), ask per user instead: slower, fewer facts.
    if grep -q '"Error"' "$dir/iam/get-credential-report.json"; then
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
}

# s3 ACCOUNT_ID: S3 (global list, per-bucket settings) and the account-level public-access
# block, under $dir.
s3() {
    local b op
    call s3control/get-public-access-block.json s3control get-public-access-block --account-id "$1"
    call s3api/list-buckets.json s3api list-buckets
    for b in $(list 'Buckets[].Name' s3api list-buckets); do
        for op in get-bucket-location get-bucket-policy get-bucket-acl get-public-access-block \
            get-bucket-encryption get-bucket-versioning get-object-lock-configuration get-bucket-tagging; do
            call "s3api/buckets/$b/$op.json" s3api "$op" --bucket "$b"
        done
    done
}

# background MAX FUNCTION [ARGS…]: runs FUNCTION in the background once fewer than MAX of
# this shell's jobs run; a failure is recorded in $failed (`call` has said why).
background() {
    local max=$1; shift
    while (($(jobs -rp | wc -l) >= max)); do wait -n || true; done
    (
        trap '[[ $? == 0 ]] || touch "$failed"' EXIT
        "$@"
    ) &
}

# account DIR [FIELDS]: one account's answers (the current credentials') under DIR; FIELDS are
# more fields for its posture-capture.json. IAM, S3 and each region are read side by side.
account() {
    local root=$1 fields=${2:+, $2}
    dir=$root region=$home_region
    mkdir -p "$root"
    call sts/get-caller-identity.json sts get-caller-identity
    local id
    id=$(sed -n 's/.*"Account": *"\([0-9]*\)".*/\1/p' "$root/sts/get-caller-identity.json" | head -n1)
    [[ -n $id ]] || { echo "aws.sh: no account id:" >&2; cat "$root/sts/get-caller-identity.json" >&2; exit 1; }

    # The regions: the list given, or those enabled for this account.
    local regions=()
    if [[ -n $regions_opt ]]; then
        IFS=, read -r -a regions <<<"$regions_opt"
    else
        call ec2/describe-regions.json ec2 describe-regions
        mapfile -t regions < <(list 'Regions[].RegionName' ec2 describe-regions)
    fi
    ((${#regions[@]})) || {
        echo "aws.sh: no region to read in account $id (describe-regions answered none): pass --regions" >&2
        exit 1
    }
    printf '{"captured_at": "%s", "regions": %s%s}\n' "$captured_at" "$(json_list "${regions[@]}")" \
        "$fields" >"$root/posture-capture.json"

    background "$jobs_max" iam
    background "$jobs_max" s3 "$id"
    local r
    for r in "${regions[@]}"; do
        region=$r dir=$root/regions/$r
        background "$jobs_max" regional
    done
    region=$home_region dir=$root
    wait
    [[ ! -e $failed ]] || exit 1
    local calls errors
    calls=$(find "$root" -path "$root/accounts" -prune -o -name '*.json' ! -name posture-capture.json -print | wc -l)
    errors=$(find "$root" -path "$root/accounts" -prune -o -name '*.json' -print0 \
        | xargs -0 grep -l '^{"Error": {"Code"' | wc -l || true)
    echo "aws.sh: $calls answers ($errors of them an AWS error) for account $id in ${regions[*]} → $root" >&2
}

cli_version=$(aws --version 2>&1 | head -n1 | json_escape)
collector='"collector": "posture examples/collect/aws.sh 2", "aws_cli": "'$cli_version'"'

if [[ -z $org_role ]]; then
    account "$out" "$collector"
    exit 0
fi

# An AWS Organization: every active account, under accounts/ID/.
dir=$out
call organizations/list-accounts.json organizations list-accounts
if grep -q '"Error"' "$out/organizations/list-accounts.json"; then
    echo "aws.sh: cannot list the organisation's accounts:" >&2
    cat "$out/organizations/list-accounts.json" >&2
    exit 1
fi
caller=$(aws sts get-caller-identity "${endpoint[@]}" --region "$region" --query '[Account,Arn]' --output text </dev/null)
self=${caller%%$'\t'*}
partition=$(cut -d: -f2 <<<"${caller#*$'\t'}")
# As one account's export: under accounts/ID/, with the credentials in the environment.
member() {
    if [[ -n ${1:-} ]]; then
        export AWS_ACCESS_KEY_ID=$1 AWS_SECRET_ACCESS_KEY=$2 AWS_SESSION_TOKEN=$3
        unset AWS_PROFILE
    fi
    account "$out/accounts/$id"
}
collected=() skipped=()
for id in $(list 'Accounts[?Status==`ACTIVE`].Id' organizations list-accounts); do
    if [[ $id == "$self" ]]; then
        background "$accounts_max" member
        collected+=("$id")
        continue
    fi
    role_arn="arn:$partition:iam::$id:role/$org_role"
    if ! creds=$(aws sts assume-role "${endpoint[@]}" --region "$home_region" --role-arn "$role_arn" \
        --role-session-name posture-collect --output text \
        --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' 2>"$out/assume-role.err" </dev/null); then
        # Only a refusal leaves an account out; anything else (throttling, network, expired
        # credentials) stops the collection rather than give a partial organisation.
        if ! grep -q 'AccessDenied' "$out/assume-role.err"; then
            echo "aws.sh: cannot assume $role_arn: $(json_escape <"$out/assume-role.err")" >&2
            wait
            exit 1
        fi
        echo "aws.sh: account $id left out: cannot assume $role_arn: $(json_escape <"$out/assume-role.err")" >&2
        skipped+=("$id")
        continue
    fi
    read -r key secret token <<<"$creds"
    background "$accounts_max" member "$key" "$secret" "$token"
    collected+=("$id")
done
wait
rm -f "$out/assume-role.err"
[[ ! -e $failed ]] || exit 1
((${#collected[@]})) || { echo "aws.sh: no account collected" >&2; exit 1; }
printf '{"captured_at": "%s", "accounts": %s, "skipped_accounts": %s, %s}\n' "$captured_at" \
    "$(json_list "${collected[@]}")" "$(json_list "${skipped[@]}")" "$collector" >"$out/posture-capture.json"
echo "aws.sh: ${#collected[@]} accounts collected, ${#skipped[@]} left out → $out" >&2

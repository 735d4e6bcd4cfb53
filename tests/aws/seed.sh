#!/usr/bin/env bash
# Creates, in an emulated AWS organisation (moto), a state with known problems for the AWS
# end-to-end test (tests/tests/aws_import.rs): the management account (us-east-1, and one
# volume in eu-west-1) and a member account (a trail and its bucket, and a volume, in eu-west-1). Expects the
# AWS CLI on PATH, configured for the emulator, and AWS_COLLECT_ENDPOINT set to its URL.
set -euo pipefail
e=(--endpoint-url "$AWS_COLLECT_ENDPOINT" --region us-east-1 --output json)
a() { aws "$@" "${e[@]}" >/dev/null; }
admin=arn:aws:iam::aws:policy/AdministratorAccess

# alice: console user without MFA, administrator through the `admins` group.
a iam create-group --group-name admins
a iam attach-group-policy --group-name admins --policy-arn "$admin"
a iam create-user --user-name alice
a iam create-login-profile --user-name alice --password 'Corr3ct-Horse-Battery'
a iam add-user-to-group --group-name admins --user-name alice
# bob: console user with a virtual MFA device, administrator by a direct attachment.
a iam create-user --user-name bob
a iam create-login-profile --user-name bob --password 'Corr3ct-Horse-Battery'
a iam attach-user-policy --user-name bob --policy-arn "$admin"
serial=$(aws iam create-virtual-mfa-device --virtual-mfa-device-name bob "${e[@]}" \
    --outfile /dev/null --bootstrap-method QRCodePNG --query VirtualMFADevice.SerialNumber --output text)
a iam enable-mfa-device --user-name bob --serial-number "$serial" \
    --authentication-code1 123456 --authentication-code2 654321
# deploy: a machine identity with an access key that is never used.
a iam create-user --user-name deploy
a iam create-access-key --user-name deploy

# A password policy weaker than CIS asks (10 characters, no reuse prevention).
a iam update-account-password-policy --minimum-password-length 10 --require-symbols

# S3: one public bucket, one locked-down bucket, one plain bucket without default encryption.
a s3api create-bucket --bucket acme-public-site
a s3api put-bucket-acl --bucket acme-public-site --acl public-read
a s3api create-bucket --bucket acme-locked
a s3api put-public-access-block --bucket acme-locked --public-access-block-configuration \
    BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
a s3api put-bucket-encryption --bucket acme-locked --server-side-encryption-configuration \
    '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'
a s3api put-bucket-versioning --bucket acme-locked --versioning-configuration Status=Enabled
a s3api put-bucket-policy --bucket acme-locked --policy '{"Version":"2012-10-17","Statement":[{"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::acme-locked","arn:aws:s3:::acme-locked/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}'
a s3api create-bucket --bucket acme-plain

# EBS: one unencrypted and one encrypted volume; encryption by default stays off.
a ec2 create-volume --availability-zone us-east-1a --size 8
a ec2 create-volume --availability-zone us-east-1a --size 8 --encrypted

# KMS: one customer key rotating, one not.
rotating=$(aws kms create-key --description rotating "${e[@]}" --query KeyMetadata.KeyId --output text)
a kms enable-key-rotation --key-id "$rotating"
a kms create-key --description static

# RDS: an unencrypted, private database without automated backups, and an encrypted one that is
# publicly accessible (moto omits PubliclyAccessible unless it is given, so both set it).
a rds create-db-instance --db-instance-identifier orders --engine postgres \
    --db-instance-class db.t3.micro --master-username admin1 --master-user-password 'Corr3ct-Horse-1' \
    --allocated-storage 20 --backup-retention-period 0 --no-storage-encrypted --no-publicly-accessible
a rds create-db-instance --db-instance-identifier reporting --engine mysql \
    --db-instance-class db.t3.micro --master-username admin1 --master-user-password 'Corr3ct-Horse-1' \
    --allocated-storage 20 --backup-retention-period 7 --storage-encrypted --publicly-accessible

# AWS Backup: a daily plan keeping recovery points 7 days, in an unlocked vault.
a backup create-backup-vault --backup-vault-name main
a backup create-backup-plan --backup-plan '{"BackupPlanName":"daily-7d","Rules":[{"RuleName":"daily","TargetBackupVaultName":"main","ScheduleExpression":"cron(0 5 ? * * *)","Lifecycle":{"DeleteAfterDays":7}}]}'

# No CloudTrail trail at all in this account.

# A second region: one more volume, unencrypted, in eu-west-1.
aws ec2 create-volume --availability-zone eu-west-1a --size 8 \
    --endpoint-url "$AWS_COLLECT_ENDPOINT" --region eu-west-1 --output json >/dev/null

# An AWS Organization with one member account, reached through OrganizationAccountAccessRole
# (moto lets any role be assumed and serves the member account to its credentials).
a organizations create-organization --feature-set ALL
member=$(aws organizations create-account --email member@example.com --account-name member \
    "${e[@]}" --query CreateAccountStatus.AccountId --output text)
read -r key secret token < <(aws sts assume-role "${e[@]}" --output text \
    --role-arn "arn:aws:iam::$member:role/OrganizationAccountAccessRole" --role-session-name seed \
    --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]')
(
    export AWS_ACCESS_KEY_ID=$key AWS_SECRET_ACCESS_KEY=$secret AWS_SESSION_TOKEN=$token
    w=(--endpoint-url "$AWS_COLLECT_ENDPOINT" --region eu-west-1 --output json)
    # In eu-west-1: a single-region trail without log-file validation, writing to a bucket
    # without default encryption and without Object Lock.
    aws s3api create-bucket --bucket acme-member-logs \
        --create-bucket-configuration LocationConstraint=eu-west-1 "${w[@]}" >/dev/null
    aws cloudtrail create-trail --name member-trail --s3-bucket-name acme-member-logs "${w[@]}" >/dev/null
    aws cloudtrail start-logging --name member-trail "${w[@]}" >/dev/null
    # A volume in an account without any backup plan: in no plan, so not backed up.
    aws ec2 create-volume --availability-zone eu-west-1a --size 8 "${w[@]}" >/dev/null
)

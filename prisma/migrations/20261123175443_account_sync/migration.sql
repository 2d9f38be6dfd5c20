-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "lastSyncedAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "IdempotencyRecord" ADD COLUMN     "progress" JSONB;

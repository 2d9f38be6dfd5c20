-- CreateEnum
CREATE TYPE "OrphanPolicy" AS ENUM ('adopt', 'delete');

-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "orphansFound" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Template" ADD COLUMN     "lastOrphanAt" TIMESTAMPTZ(3),
ADD COLUMN     "orphanPolicy" "OrphanPolicy" NOT NULL DEFAULT 'adopt',
ADD COLUMN     "orphansFound" INTEGER NOT NULL DEFAULT 0;

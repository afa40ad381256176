-- CreateTable
CREATE TABLE "ChangeEpoch" (
    "topic" TEXT NOT NULL,
    "version" BIGINT NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ChangeEpoch_pkey" PRIMARY KEY ("topic")
);
